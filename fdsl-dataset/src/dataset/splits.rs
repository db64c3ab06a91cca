//! The `train` and `val` splits: the last `val_per_class` instances of every class are `val`, and no
//! unit of shared work has instances in both.

use super::new::Dataset;
use crate::registry::Registry;
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

/// A split of the samples.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// The first instances of every class.
    Train,
    /// The last `val_per_class` instances of every class.
    Val,
}

impl Split {
    /// `"train"` or `"val"`.
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Val => "val",
        }
    }
}

impl<R: Registry> Dataset<R> {
    /// Validation without leakage: no unit of shared work (a chaos game, a canvas, a 3-D model) may
    /// have instances in both splits, else a val image would be a flip, a patch draw or another view
    /// of a train image's very points.
    pub(super) fn check_val_split(&self) -> Result<()> {
        let (n, k) = (self.spec.instances, self.spec.val_per_class);
        if k == 0 || k >= n {
            return Ok(()); // Spec::check names a val split that leaves no training image
        }
        let valid = self.val_sizes();
        if valid[k] {
            return Ok(());
        }
        let below = (0..k).rev().find(|&v| valid[v]).unwrap_or(0);
        let above = (k + 1..n).find(|&v| valid[v]);
        let family = self.family();
        match (below, above) {
            (0, None) => bail!(
                "--val-per-class {k}: in {} {}, so any val split of the {n} instances per class would share \
                 work with training images; validate on other categories instead",
                self.spec.preset,
                family.shared_work()
            ),
            _ => bail!(
                "--val-per-class {k} would split shared work between train and val ({}: {}), so val images \
                 would repeat training images' points; take {}",
                self.spec.preset,
                family.shared_work(),
                match (below, above) {
                    (0, Some(a)) => format!("{a} (or 0: no val split)"),
                    (b, Some(a)) => format!("{b} or {a}"),
                    (b, None) => format!("{b}"),
                }
            ),
        }
    }

    /// `valid[k]`: whether the last `k` instances of a class share no unit with the others.
    pub(super) fn val_sizes(&self) -> Vec<bool> {
        let n = self.spec.instances;
        let mut spans: std::collections::HashMap<u64, (usize, usize)> = std::collections::HashMap::new();
        for i in 0..n {
            let span = spans.entry(self.family().unit_of(i as u64)).or_insert((i, i));
            span.1 = i;
        }
        // The train/val boundary b = n − k is invalid inside any unit's span: min < b <= max.
        let mut crossing = vec![0i64; n + 2];
        for (lo, hi) in spans.into_values().filter(|(lo, hi)| lo < hi) {
            crossing[lo + 1] += 1;
            crossing[hi + 1] -= 1;
        }
        let mut inside = vec![false; n + 1];
        let mut depth = 0;
        for (b, slot) in inside.iter_mut().enumerate() {
            depth += crossing[b];
            *slot = depth > 0;
        }
        (0..=n).map(|k| !inside[n - k]).collect()
    }

    /// The splits present: `train`, and `val` when `val_per_class > 0`.
    pub fn splits(&self) -> Vec<Split> {
        if self.spec.val_per_class > 0 { vec![Split::Train, Split::Val] } else { vec![Split::Train] }
    }

    /// The split of instance `i`.
    pub fn split_of(&self, instance: usize) -> Split {
        if instance + self.spec.val_per_class >= self.spec.instances { Split::Val } else { Split::Train }
    }

    /// Number of samples of a split.
    pub fn sample_count(&self, split: Split) -> usize {
        let per_class = match split {
            Split::Train => self.spec.instances - self.spec.val_per_class,
            Split::Val => self.spec.val_per_class,
        };
        per_class * self.sample_groups()
    }
}
