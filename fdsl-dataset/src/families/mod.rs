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
pub mod rcdb;
pub mod segrcdb;
pub mod statistical;
pub mod visual_atom;

use crate::family::FamilySettings;
use crate::flags::FlagUse;
use crate::preset::Preset;
use crate::search::SearchKind;
use serde::{Deserialize, Serialize};

/// The registration: per family its module, then each spec `generator` tag it writes with the
/// variant of [`Settings`] and the settings type. Makes [`Settings`], [`Settings::family`],
/// [`PRESETS`] and [`FLAGS`].
macro_rules! families {
    ($($module:ident: $($tag:literal => $variant:ident($settings:ty)),+;)+) => {
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

        impl Settings {
            /// The family's own part of the library, for generic code.
            pub fn family(&self) -> &dyn FamilySettings {
                match self {
                    $($(Settings::$variant(settings) => settings,)+)+
                }
            }
        }

        /// Every preset, family by family.
        pub const PRESETS: &[&[Preset]] = &[$($module::PRESETS),+];

        /// Every family's settings flags, family by family.
        pub const FLAGS: &[&[FlagUse]] = &[$($module::FLAGS),+];
    };
}

families! {
    fractaldb: "fractaldb" => Fractaldb(fractaldb::Settings);
    rcdb: "rcdb" => Rcdb(rcdb::Settings);
    exfractaldb: "exfractaldb" => Exfractaldb(exfractaldb::Settings), "mvfractaldb" => Mvfractaldb(exfractaldb::MultiView);
    pc_fractaldb: "pcfractaldb" => Pcfractaldb(pc_fractaldb::Settings), "pcscenes" => Pcscenes(pc_fractaldb::Scenes);
    anderson_farrell: "andersonfarrell" => Andersonfarrell(anderson_farrell::Settings);
    dead_leaves: "deadleaves" => Deadleaves(dead_leaves::Settings);
    statistical: "statistical" => Statistical(statistical::Settings);
    one_point_frac: "onepointfrac" => Onepointfrac(one_point_frac::Settings);
    visual_atom: "visualatom" => Visualatom(visual_atom::Settings);
    perlin: "perlin" => Perlin(perlin::Settings);
    bezier: "bezier" => Bezier(bezier::Settings);
    segrcdb: "segrcdb" => Segrcdb(segrcdb::Settings);
}

/// The category searches `fdsl search` runs, from the families that have one.
pub const SEARCHES: &[&SearchKind] = &[&fractaldb::SEARCH, &exfractaldb::SEARCH];
