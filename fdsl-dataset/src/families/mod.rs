//! The families, one file each (its settings, presets, category file format, checks, estimates and
//! how to build its core family), and their one registration: the table below, from which the
//! spec's `generator` tags, the preset list, the family flags, `--help` and messages are made.
//! `docs/adding-a-family.md` walks through adding one.

pub mod anderson_farrell;
pub mod bezier;
pub mod dead_leaves;
pub mod drawn;
pub mod exfractaldb;
pub mod fractaldb;
pub mod one_point_frac;
pub mod pc_fractaldb;
pub mod perlin;
pub mod primgeoseg;
pub mod rcdb;
pub mod segrcdb;
pub mod statistical;
pub mod visual_atom;

use crate::family::FamilySettings;
use crate::flags::FlagUse;
use crate::registry::{FamilyIn, Holds, PresetsIn, Registry};
use crate::search::SearchKind;
use crate::spec::{Naming, SampleKind, Spec, SpecFamily};
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// The registration: per family its module and its bytes version, then each spec `generator` tag it
/// writes with the variant of [`Settings`] and the settings type. Makes [`Settings`], its bytes
/// version per variant ([`SpecFamily`]) and its [`Registry`]: the family of each variant and the
/// tables of presets (each settings type's [`FamilySettings::PRESETS`], in this order) and flags
/// (each module's `FLAGS`).
///
/// The bytes version names the bytes a family makes: 1 for every family as of 0.2.0. A change of
/// any byte of a family's samples or files bumps it (with its trees re-recorded and a line in
/// CHANGELOG.md, in the same commit): folders verify and resume with any release of the same
/// version.
macro_rules! families {
    ($($module:ident bytes $bytes:literal: $($tag:literal => $variant:ident($settings:ty)),+;)+) => {
        /// A spec's family and the settings only it has, written flat in the spec and tagged by
        /// `generator` (the names 0.2.0 wrote, so that its manifests read unchanged).
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "generator")]
        pub enum Settings {
            $($(
                #[doc = concat!("`\"generator\": \"", $tag, "\"`: [`", stringify!($settings), "`].")]
                #[serde(rename = $tag)]
                $variant($settings),
            )+)+
        }

        impl Registry for Settings {
            const PRESETS: &'static [&'static dyn PresetsIn<Self>] =
                &[$($(&<$settings as FamilySettings>::PRESETS),+),+];
            const FLAGS: &'static [&'static [FlagUse]] = &[$($module::FLAGS),+];
            const SEARCHES: &'static [&'static SearchKind] = SEARCHES;

            fn family(&self) -> &dyn FamilyIn<Self> {
                match self {
                    $($(Settings::$variant(settings) => settings,)+)+
                }
            }
        }

        impl SpecFamily for Settings {
            fn samples(&self) -> SampleKind {
                self.family().samples()
            }

            fn max_instances(&self) -> usize {
                self.family().max_instances()
            }

            fn check(&self, spec: &Spec<Self>, naming: Naming) -> Result<()> {
                self.family().check(spec, naming)
            }

            fn bytes_version(&self) -> u32 {
                match self {
                    $($(Settings::$variant(_) => $bytes,)+)+
                }
            }
        }

        $($(
            impl From<$settings> for Settings {
                fn from(settings: $settings) -> Self {
                    Settings::$variant(settings)
                }
            }

            impl Holds<$settings> for Settings {
                fn held(&self) -> Option<&$settings> {
                    match self {
                        Settings::$variant(settings) => Some(settings),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }
        )+)+
    };
}

families! {
    fractaldb bytes 1: "fractaldb" => Fractaldb(fractaldb::Settings);
    rcdb bytes 1: "rcdb" => Rcdb(rcdb::Settings);
    exfractaldb bytes 1: "exfractaldb" => Exfractaldb(exfractaldb::Settings), "mvfractaldb" => Mvfractaldb(exfractaldb::MultiView);
    pc_fractaldb bytes 1: "pcfractaldb" => Pcfractaldb(pc_fractaldb::Settings), "pcscenes" => Pcscenes(pc_fractaldb::Scenes);
    anderson_farrell bytes 4: "andersonfarrell" => Andersonfarrell(anderson_farrell::Settings);
    dead_leaves bytes 4: "deadleaves" => Deadleaves(dead_leaves::Settings);
    statistical bytes 4: "statistical" => Statistical(statistical::Settings);
    one_point_frac bytes 1: "onepointfrac" => Onepointfrac(one_point_frac::Settings);
    visual_atom bytes 1: "visualatom" => Visualatom(visual_atom::Settings);
    perlin bytes 1: "perlin" => Perlin(perlin::Settings);
    bezier bytes 1: "bezier" => Bezier(bezier::Settings);
    segrcdb bytes 1: "segrcdb" => Segrcdb(segrcdb::Settings);
    primgeoseg bytes 1: "primgeoseg" => Primgeoseg(primgeoseg::Settings);
}

/// The category searches `fdsl search` runs, from the families that have one.
const SEARCHES: &[&SearchKind] = &[&fractaldb::SEARCH, &exfractaldb::SEARCH];
