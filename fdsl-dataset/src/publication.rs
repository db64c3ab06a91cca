//! What a dataset card says about each preset's origin: the paper to cite, the licence of the files
//! fdsl writes, and the Hugging Face Hub task. One row per family (or per paper, where a family's
//! presets come from several), naming its presets; `tests` check that every preset has one row.
//!
//! The licence is that of the folder fdsl writes: every sample is made by fdsl's own code (MIT OR
//! Apache-2.0) from the seed, and the only files taken from a reference are the FractalDB family's
//! official category parameters (the FractalDB repository, MIT, © AIST). The references' own
//! released data and their terms of use are not redistributed and do not carry over; the note
//! says what each reference's code licence is where the specs found one.

/// A paper and what a card says about the data fdsl makes from it.
#[derive(Debug)]
pub struct Publication {
    /// The presets it covers.
    pub presets: &'static [&'static str],
    /// The paper, as one line: authors, title, venue, year.
    pub paper: &'static str,
    /// Its BibTeX entry.
    pub citation: &'static str,
    /// The Hub's licence identifier of the folder fdsl writes.
    pub license: &'static str,
    /// What the licence covers and where the reference's own terms differ.
    pub license_note: &'static str,
    /// The Hub's `task_categories` entry.
    pub task: &'static str,
}

/// The licence note of a family whose folder holds only fdsl's samples.
const FDSL_ONLY: &str = "Every file is made by fdsl (MIT OR Apache-2.0) from the seed; the reference's released data and \
                         its terms of use are not part of this folder.";

/// Every preset's publication.
pub const PUBLICATIONS: &[Publication] = &[
    Publication {
        presets: &["fractaldb-1k", "fractaldb-10k"],
        paper: "Kataoka et al., Pre-training without Natural Images, ACCV 2020",
        citation: "@inproceedings{kataoka2020pretraining,\n  title = {Pre-training without Natural Images},\n  \
                   author = {Kataoka, Hirokatsu and Okayasu, Kazushige and Matsumoto, Asato and Yamagata, Eisuke and \
                   Yamada, Ryosuke and Inoue, Nakamasa and Nakamura, Akio and Satoh, Yutaka},\n  booktitle = {Asian \
                   Conference on Computer Vision (ACCV)},\n  year = {2020}\n}",
        license: "mit",
        license_note: "The images are made by fdsl (MIT OR Apache-2.0); the category files are FractalDB's official \
                       parameters (the FractalDB repository, MIT, (c) AIST).",
        task: "image-classification",
    },
    Publication {
        presets: &["ofdb-1k", "ofdb-21k", "ofdb-3d-1k"],
        paper: "Nakamura et al., Pre-training Vision Transformers with Very Limited Synthesized Images, ICCV 2023",
        citation: "@inproceedings{nakamura2023pretraining,\n  title = {Pre-training Vision Transformers with Very \
                   Limited Synthesized Images},\n  author = {Nakamura, Ryo and Kataoka, Hirokatsu and Takashima, Sora \
                   and Martinez Noriega, Edgar Josafat and Yokota, Rio and Inoue, Nakamasa},\n  booktitle = \
                   {IEEE/CVF International Conference on Computer Vision (ICCV)},\n  year = {2023}\n}",
        license: "mit",
        license_note: FDSL_ONLY,
        task: "image-classification",
    },
    Publication {
        presets: &["rcdb-1k", "rcdb-21k", "exfractaldb-1k", "exfractaldb-21k"],
        paper: "Kataoka et al., Replacing Labeled Real-image Datasets with Auto-generated Contours, CVPR 2022",
        citation: "@inproceedings{kataoka2022replacing,\n  title = {Replacing Labeled Real-image Datasets with \
                   Auto-generated Contours},\n  author = {Kataoka, Hirokatsu and Hayamizu, Ryo and Yamada, Ryosuke and \
                   Nakashima, Kodai and Takashima, Sora and Zhang, Xinyu and Martinez Noriega, Edgar Josafat and \
                   Inoue, Nakamasa and Yokota, Rio},\n  booktitle = {IEEE/CVF Conference on Computer Vision and \
                   Pattern Recognition (CVPR)},\n  year = {2022}\n}",
        license: "mit",
        license_note: FDSL_ONLY,
        task: "image-classification",
    },
    Publication {
        presets: &["mv-fractaldb-1k"],
        paper: "Yamada et al., MV-FractalDB: Formula-driven Supervised Learning for Multi-view Image Recognition, \
                IROS 2021",
        citation: "@inproceedings{yamada2021mvfractaldb,\n  title = {{MV-FractalDB}: Formula-driven Supervised Learning \
                   for Multi-view Image Recognition},\n  author = {Yamada, Ryosuke and Kataoka, Hirokatsu and others},\n  \
                   booktitle = {IEEE/RSJ International Conference on Intelligent Robots and Systems (IROS)},\n  year = \
                   {2021}\n}",
        license: "mit",
        license_note: FDSL_ONLY,
        task: "image-classification",
    },
    Publication {
        presets: &["pc-fractaldb-1k", "pc-fractaldb-scenes"],
        paper: "Yamada et al., Point Cloud Pre-training with Natural 3D Structures, CVPR 2022",
        citation: "@inproceedings{yamada2022point,\n  title = {Point Cloud Pre-training with Natural {3D} Structures},\n  \
                   author = {Yamada, Ryosuke and Kataoka, Hirokatsu and others},\n  booktitle = {IEEE/CVF Conference \
                   on Computer Vision and Pattern Recognition (CVPR)},\n  year = {2022}\n}",
        license: "mit",
        license_note: FDSL_ONLY,
        task: "other",
    },
    Publication {
        presets: &["af-fractals-1k"],
        paper: "Anderson and Farrell, Improving Fractal Pre-training, WACV 2022",
        citation: "@inproceedings{anderson2022improving,\n  title = {Improving Fractal Pre-training},\n  author = \
                   {Anderson, Connor and Farrell, Ryan},\n  booktitle = {IEEE/CVF Winter Conference on Applications of \
                   Computer Vision (WACV)},\n  year = {2022}\n}",
        license: "mit",
        license_note: FDSL_ONLY,
        task: "image-classification",
    },
    Publication {
        presets: &[
            "dead-leaves-squares",
            "dead-leaves-oriented",
            "dead-leaves-mixed",
            "dead-leaves-textured",
            "stat-spectrum",
            "stat-wmm",
            "stat-spectrum-color",
            "stat-spectrum-color-wmm",
        ],
        paper: "Baradad et al., Learning to See by Looking at Noise, NeurIPS 2021",
        citation: "@inproceedings{baradad2021learning,\n  title = {Learning to See by Looking at Noise},\n  author = \
                   {Baradad, Manel and Wulff, Jonas and Wang, Tongzhou and Isola, Phillip and Torralba, Antonio},\n  \
                   booktitle = {Advances in Neural Information Processing Systems (NeurIPS)},\n  year = {2021}\n}",
        license: "mit",
        license_note: "Every file is made by fdsl (MIT OR Apache-2.0) from the seed. The reference repository \
                       (mbaradad/learning_with_noise) has no top-level licence; its released data is not part of this \
                       folder.",
        task: "image-feature-extraction",
    },
    Publication {
        presets: &["1p-frac"],
        paper: "Nakamura et al., Scaling Backwards: Minimal Synthetic Pre-training?, ECCV 2024",
        citation: "@inproceedings{nakamura2024scaling,\n  title = {Scaling Backwards: Minimal Synthetic \
                   Pre-training?},\n  author = {Nakamura, Ryo and Tadokoro, Ryu and Yamada, Ryosuke and Asano, Yuki M. \
                   and Laina, Iro and Rupprecht, Christian and Inoue, Nakamasa and Yokota, Rio and Kataoka, \
                   Hirokatsu},\n  booktitle = {European Conference on Computer Vision (ECCV)},\n  year = {2024}\n}",
        license: "mit",
        license_note: FDSL_ONLY,
        task: "image-classification",
    },
    Publication {
        presets: &["visualatom-1k", "visualatom-21k"],
        paper: "Takashima et al., Visual Atoms: Pre-training Vision Transformers with Sinusoidal Waves, CVPR 2023",
        citation: "@inproceedings{takashima2023visual,\n  title = {Visual Atoms: Pre-training Vision Transformers with \
                   Sinusoidal Waves},\n  author = {Takashima, Sora and Hayamizu, Ryo and Inoue, Nakamasa and Kataoka, \
                   Hirokatsu and Yokota, Rio},\n  booktitle = {IEEE/CVF Conference on Computer Vision and Pattern \
                   Recognition (CVPR)},\n  year = {2023}\n}",
        license: "mit",
        license_note: FDSL_ONLY,
        task: "image-classification",
    },
    Publication {
        presets: &["perlin-100", "perlin-1296", "bezier-144", "bezier-1024"],
        paper: "Kataoka et al., Pre-training without Natural Images, International Journal of Computer Vision, 2022",
        citation: "@article{kataoka2022pretraining,\n  title = {Pre-training without Natural Images},\n  author = \
                   {Kataoka, Hirokatsu and others},\n  journal = {International Journal of Computer Vision},\n  year = \
                   {2022}\n}",
        license: "mit",
        license_note: FDSL_ONLY,
        task: "image-classification",
    },
    Publication {
        presets: &["segrcdb"],
        paper: "Shinoda et al., SegRCDB: Semantic Segmentation via Formula-Driven Supervised Learning, ICCV 2023",
        citation: "@inproceedings{shinoda2023segrcdb,\n  title = {{SegRCDB}: Semantic Segmentation via Formula-Driven \
                   Supervised Learning},\n  author = {Shinoda, Risa and Hayamizu, Ryo and Nakashima, Kodai and Inoue, \
                   Nakamasa and Yokota, Rio and Kataoka, Hirokatsu},\n  booktitle = {IEEE/CVF International Conference \
                   on Computer Vision (ICCV)},\n  year = {2023}\n}",
        license: "mit",
        license_note: FDSL_ONLY,
        task: "image-segmentation",
    },
    Publication {
        presets: &["primgeoseg"],
        paper: "Tadokoro et al., Primitive Geometry Segment Pre-training for 3D Medical Image Segmentation, BMVC 2023",
        citation: "@inproceedings{tadokoro2023primgeoseg,\n  title = {Primitive Geometry Segment Pre-training for 3D \
                   Medical Image Segmentation},\n  author = {Tadokoro, Ryu and Yamada, Ryosuke and Nakashima, Kodai and \
                   Nakamura, Ryo and Kataoka, Hirokatsu},\n  booktitle = {British Machine Vision Conference (BMVC)},\n  \
                   year = {2023}\n}",
        license: "mit",
        license_note: "Every file is made by fdsl (MIT OR Apache-2.0) from the seed; the reference's code is MIT \
                       (c) 2024 Ryu Tadokoro, and it publishes no data.",
        task: "image-segmentation",
    },
];

/// The publication of preset `name`, if it has one.
pub fn of(name: &str) -> Option<&'static Publication> {
    PUBLICATIONS.iter().find(|p| p.presets.contains(&name))
}

#[cfg(test)]
mod tests {
    use crate::families::Settings;
    use crate::registry::Registry;

    #[test]
    fn every_preset_has_one_publication() {
        for name in Settings::preset_names() {
            let rows = super::PUBLICATIONS.iter().filter(|p| p.presets.contains(&name)).count();
            assert_eq!(rows, 1, "{name}");
        }
        for p in super::PUBLICATIONS {
            for name in p.presets {
                assert!(Settings::preset(name).is_ok(), "{name} is no preset");
            }
        }
    }
}
