//! MONAI's datalist: the JSON that `monai.data.load_decathlon_datalist(path, True, "training")`
//! reads, as PrimGeoSeg's `create_json.py` writes it (`../shared/specs/primgeoseg.md` §3): every
//! (image, label) pair under `training`, the first tenth of them also under `validation`, paths in
//! lexicographic order (as `sorted(glob(...))` gives them, so `img10000` sorts before `img1001`),
//! written as Python's `json.dump` does by default (`", "` and `": "`, no indent, no final newline).

/// Where the paths are relative to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paths {
    /// Relative to the datalist's folder (`img/img0000.nii.gz`): what MONAI joins to its base folder.
    Relative,
    /// The reference's form, with a leading `/` (`/img/img0000.nii.gz`), which MONAI's
    /// `os.path.join(base_dir, item)` treats as absolute: only for tools that expect it.
    LeadingSlash,
}

/// The datalist of these pairs of (image, label) paths relative to the datalist's folder: `train`
/// under `training`; `val` under `validation`, or where there is none the reference's, the first
/// tenth of `training` (which trains on them too).
pub fn monai_datalist(train: &[(String, String)], val: &[(String, String)], paths: Paths) -> String {
    let training = entries(train, paths);
    let validation =
        if val.is_empty() { training[..training.len() / 10].to_vec() } else { entries(val, paths) };
    format!("{{\"training\": [{}], \"validation\": [{}]}}", training.join(", "), validation.join(", "))
}

/// The entries of `pairs`, images and labels each in lexicographic order (`sorted(glob(...))`).
fn entries(pairs: &[(String, String)], paths: Paths) -> Vec<String> {
    let prefix = match paths {
        Paths::Relative => "",
        Paths::LeadingSlash => "/",
    };
    let mut images: Vec<&str> = pairs.iter().map(|(image, _)| image.as_str()).collect();
    let mut labels: Vec<&str> = pairs.iter().map(|(_, label)| label.as_str()).collect();
    images.sort_unstable();
    labels.sort_unstable();
    images
        .iter()
        .zip(&labels)
        .map(|(image, label)| {
            let (image, label) = (format!("{prefix}{image}"), format!("{prefix}{label}"));
            format!("{{\"image\": {}, \"label\": {}}}", quoted(&image), quoted(&label))
        })
        .collect()
}

/// A JSON string as `json.dumps` writes it (ASCII: the paths here are).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(n: usize) -> Vec<(String, String)> {
        (0..n).map(|i| (format!("img/img{i:04}.nii.gz"), format!("label/label{i:04}.nii.gz"))).collect()
    }

    #[test]
    fn as_create_json_writes_it() {
        // python3 -c "import json; n=12; i=sorted(f'img/img{k:04d}.nii.gz' for k in range(n)); ..."
        let text = monai_datalist(&pairs(12), &[], Paths::Relative);
        assert!(text.starts_with(
            "{\"training\": [{\"image\": \"img/img0000.nii.gz\", \"label\": \"label/label0000.nii.gz\"}, "
        ));
        assert!(text.ends_with(
            "\"validation\": [{\"image\": \"img/img0000.nii.gz\", \"label\": \"label/label0000.nii.gz\"}]}"
        ));
        assert_eq!(text.matches("\"image\"").count(), 12 + 1);
        let slash = monai_datalist(&pairs(3), &[], Paths::LeadingSlash);
        assert!(slash.contains("\"/img/img0002.nii.gz\", \"label\": \"/label/label0002.nii.gz\"}]"));
        assert!(slash.ends_with("\"validation\": []}"));
        let split = monai_datalist(&pairs(3), &pairs(1), Paths::Relative);
        assert!(split.ends_with(
            "\"validation\": [{\"image\": \"img/img0000.nii.gz\", \"label\": \"label/label0000.nii.gz\"}]}"
        ));
    }

    #[test]
    fn names_past_9999_sort_as_the_reference_globs_them() {
        let text = monai_datalist(&pairs(10_002), &[], Paths::Relative);
        let at = |name: &str| text.find(name).unwrap();
        assert!(at("img1000.nii.gz") < at("img10000.nii.gz") && at("img10001.nii.gz") < at("img1001.nii.gz"));
        assert!(at("label10001.nii.gz") < at("label1001.nii.gz"));
    }
}
