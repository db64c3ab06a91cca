//! A dataset made: its spec and categories, checked, and the family built from them.

use crate::family::BoxError;
use crate::offload::Offload;
use crate::prepare::Prepare;
use crate::registry::{DatasetCategories, Registry};
use crate::spec::{Codec, Naming, Spec};
use anyhow::{Result, bail};
use fdsl_core::family::{Family, Part, Role};
use std::sync::Arc;

/// A dataset ready to render: its spec, categories and family (`R`: the registration, which holds
/// any family's settings).
pub struct Dataset<R> {
    /// The specification.
    pub spec: Spec<R>,
    pub(super) texts: Vec<String>,
    pub(super) family: Box<dyn Family<Error = BoxError> + Send + Sync>,
    pub(super) parts: Vec<Part>,
    pub(super) offload: Option<Arc<dyn Offload>>,
    pub(super) prepare: Option<Arc<dyn Prepare>>,
}

impl<R: std::fmt::Debug> std::fmt::Debug for Dataset<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dataset").field("spec", &self.spec).finish_non_exhaustive()
    }
}

impl<R: Registry> Dataset<R> {
    /// A dataset from a spec and its categories (of the spec's family); both are checked (the
    /// messages name the spec's fields: a spec from flags was checked by [`Spec::check`] before).
    pub fn new(spec: Spec<R>, categories: DatasetCategories<R>) -> Result<Self> {
        spec.check_named(Naming::Fields)?;
        if categories.len() != spec.categories || categories.sha256() != spec.categories_sha256 {
            bail!("the categories are not those the spec names (count or SHA-256 differ)");
        }
        let (family, offload, prepare) = categories.build(&spec)?.into_parts();
        let texts = categories.texts().into_iter().map(str::to_owned).collect();
        let parts: Vec<Part> = family.parts().iter().copied().collect();
        if spec.encoding.codec() == Codec::Jpeg {
            let mut images = parts.iter().filter(|p| p.role == Role::Image);
            images.try_for_each(|p| crate::jpeg::shape(p).map(|_| ()))?;
        }
        let dataset = Self { spec, texts, family, parts, offload, prepare };
        dataset.check_val_split()?;
        Ok(dataset)
    }

    pub(super) fn family(&self) -> &(dyn Family<Error = BoxError> + Send + Sync) {
        self.family.as_ref()
    }

    /// What every sample is: its parts, in order, each rendered into its own buffer (an image; an
    /// image and its mask; a point cloud; a scene's points and layout).
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// What to call samples in messages: `images`, `point clouds`, `scenes`, ….
    pub fn noun(&self) -> &'static str {
        self.spec.samples().noun()
    }

    /// Whether samples belong to the classes (else, as scenes and SegRCDB's images, they are
    /// numbered in one group and labelled −1).
    pub fn labelled(&self) -> bool {
        self.family().labelled()
    }

    /// Number of classes: one per category file, but for 1p-frac, whose one category (its base
    /// fractal) makes every class.
    pub fn class_count(&self) -> usize {
        self.family().classes()
    }

    /// The category files, `(path in the dataset, text)`, in class order.
    pub fn category_files(&self) -> Vec<(String, String)> {
        self.texts.iter().enumerate().map(|(c, t)| (Self::category_path(c), t.clone())).collect()
    }

    /// Path of class `c`'s category file in the dataset.
    pub fn category_path(c: usize) -> String {
        format!("categories/{}.csv", Self::class_name(c))
    }

    /// Folder name of class `c`.
    pub fn class_name(c: usize) -> String {
        format!("{c:05}")
    }
}
