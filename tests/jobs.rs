//! `fdsl_core::families::fractaldb::Job::render` — what the GPU kernel runs, one canvas per thread — gives the
//! very canvases the CPU dataset path renders (which shares one trace among a weight's 10 counts).

mod common;

use fdsl_core::Canvas;
use fdsl_core::families::fractaldb::weights::instance_weights;
use fdsl_core::families::fractaldb::{Draw, Instance, Job, Recipe};
use fdsl_dataset::dataset::{Chunk, Scratch};
use fdsl_dataset::families::Settings;
use fdsl_dataset::families::fractaldb;
use fdsl_dataset::spec::Format;
use fdsl_dataset::{Dataset, Registry, Spec};

/// A small FractalDB-1k dataset (2 official categories) in `format`, seed `seed`.
fn dataset(draw: Draw, instances: usize, side: u32, points: u32, format: Format, seed: u64) -> Dataset {
    let published = Settings::published("fractaldb-1k").unwrap();
    let mut spec = Spec {
        categories: 2,
        instances,
        size: side,
        seed,
        family: Settings::Fractaldb(fractaldb::Settings {
            points,
            draw,
            weight_step: 0.4,
            colour: Default::default(),
        }),
        ..published.with_format(format, (format == Format::Webdataset).then_some(64))
    };
    let categories = Settings::preset_categories(&spec, &|_, _| {}).unwrap();
    spec.categories_sha256 = categories.sha256();
    Dataset::new(spec, categories).unwrap()
}

#[test]
fn jobs_render_the_datasets_canvases() {
    for draw in [Draw::Patch, Draw::Point] {
        let dataset = dataset(draw, 120, 128, 50_000, Format::Png, 9);
        let ifs: Vec<_> = fractaldb::official_categories(2).unwrap().iter().map(|c| c.params).collect();
        let recipe = *dataset.canvas_recipe().unwrap();
        let weights = instance_weights(0.4);
        let mut positions = vec![0u32; 50_000];
        let mut compared = 0;
        for chunk in [Chunk { class: 0, index: 0 }, Chunk { class: 1, index: 2 }] {
            dataset
                .render_samples(dataset.chunk_samples(chunk), &mut Scratch::default(), |sample, parts| {
                    let instance = Instance::from_index(sample.instance).unwrap();
                    if instance.flip as usize != 1 {
                        return Ok(()); // flip1 is the canvas as drawn
                    }
                    let job = Job {
                        ifs: ifs[sample.class].scaled(&weights[instance.weight]),
                        category: sample.class as u64,
                        weight: instance.weight as u64,
                        count: if draw == Draw::Point { 0 } else { instance.count as u64 },
                    };
                    let mut pixels = vec![0u8; 128 * 128];
                    job.render(9, &recipe, &mut positions, &mut Canvas::new(&mut pixels, 128, 128).unwrap())
                        .unwrap();
                    assert!(pixels == parts[0], "{draw:?} {sample:?}");
                    compared += 1;
                    Ok(())
                })
                .unwrap();
        }
        assert_eq!(compared, 20);
    }
}

/// What the GPU path of `fdsl render` does, with the CPU standing in for the GPU: the canvases of a
/// batch of tasks rendered as jobs, then the tasks made from them, give the same files.
#[test]
fn precomputed_canvases_make_the_same_files() {
    use fdsl_cli::Plan;
    use fdsl_dataset::dataset::Canvases;
    for (draw, format) in
        [(Draw::Patch, Format::Png), (Draw::Point, Format::Png), (Draw::Patch, Format::Webdataset)]
    {
        let dataset = dataset(draw, 90, 96, 20_000, format, 0);
        let plan = Plan::new(&dataset).unwrap();
        let recipe = *dataset.canvas_recipe().unwrap();
        let tasks: Vec<_> = plan.tasks().to_vec();
        let jobs = dataset.canvas_jobs(tasks.iter().flat_map(|&t| plan.samples_of(t))).unwrap();
        let mut positions = vec![0u32; 20_000];
        let canvases: Canvases = std::sync::Arc::new(
            jobs.iter()
                .map(|(key, job)| {
                    let mut pixels = vec![0u8; 96 * 96];
                    job.render(0, &recipe, &mut positions, &mut Canvas::new(&mut pixels, 96, 96).unwrap())
                        .unwrap();
                    (*key, pixels)
                })
                .collect(),
        );
        let spill = tempfile::tempdir().unwrap();
        let hashes = |made: Vec<(String, fdsl_cli::Made)>| -> Vec<(String, String)> {
            made.into_iter().map(|(path, m)| (path, m.sha256().unwrap())).collect()
        };
        for task in tasks {
            let cpu = hashes(plan.render(task, &mut Scratch::default(), spill.path()).unwrap());
            let given = hashes(
                plan.render(task, &mut Scratch::with_canvases(canvases.clone()), spill.path()).unwrap(),
            );
            assert!(cpu == given, "{draw:?} {format:?} {task:?}");
        }
    }
}

/// The CPU standing in for `fdsl_cuda::Gpu::render_canvases`: each job's canvas, in order.
fn cpu_batch(jobs: &[Job], seed: u64, recipe: &Recipe) -> anyhow::Result<Vec<u8>> {
    let side = recipe.grid.width as usize;
    let mut canvases = vec![0u8; jobs.len() * side * side];
    let mut positions = vec![0u32; recipe.points as usize];
    for (job, pixels) in jobs.iter().zip(canvases.chunks_exact_mut(side * side)) {
        job.render(seed, recipe, &mut positions, &mut Canvas::new(pixels, side, side)?)?;
    }
    Ok(canvases)
}

/// `fdsl render --device cuda`'s pipeline, the CPU standing in for the GPU: batches rendered on
/// another thread while the files of the batch before are written make the CPU path's dataset, and
/// a renderer that fails mid-way leaves a dataset that resumes to the same bytes.
#[test]
fn batches_rendered_ahead_make_the_same_dataset() {
    use fdsl_cli::Part;
    use fdsl_cli::Plan;
    use fdsl_cli::{CanvasBatches, render};
    for (draw, format) in [(Draw::Patch, Format::Png), (Draw::Point, Format::Webdataset)] {
        let dataset = dataset(draw, 90, 96, 20_000, format, 3);
        let plan = Plan::new(&dataset).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let (cpu, batched, failed) =
            (tmp.path().join("cpu"), tmp.path().join("batched"), tmp.path().join("failed"));
        render(&plan, &cpu, Part::WHOLE, None).unwrap();
        // About 25 canvases per batch: several batches, each of whole tasks.
        render(&plan, &batched, Part::WHOLE, Some(&CanvasBatches { canvases: 25, render: &cpu_batch }))
            .unwrap();
        assert!(common::tree(&cpu) == common::tree(&batched), "{draw:?} {format:?}");

        let calls = std::sync::atomic::AtomicUsize::new(0);
        let failing = |jobs: &[Job], seed: u64, recipe: &Recipe| {
            if calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed) == 2 {
                anyhow::bail!("device lost");
            }
            cpu_batch(jobs, seed, recipe)
        };
        let err =
            render(&plan, &failed, Part::WHOLE, Some(&CanvasBatches { canvases: 25, render: &failing }))
                .unwrap_err();
        assert!(format!("{err:#}").contains("device lost"), "{err:#}");
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(failed.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["complete"], false);
        render(&plan, &failed, Part::WHOLE, None).unwrap();
        assert!(common::tree(&cpu) == common::tree(&failed), "{draw:?} {format:?} resumed");

        // A renderer that returns the wrong number of bytes is an error, not a short dataset.
        let short = |_: &[Job], _: u64, _: &Recipe| Ok(vec![0u8; 7]);
        let err = render(
            &plan,
            &tmp.path().join("short"),
            Part::WHOLE,
            Some(&CanvasBatches { canvases: 25, render: &short }),
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("the canvas renderer returned 7 bytes"), "{err:#}");
    }
}
