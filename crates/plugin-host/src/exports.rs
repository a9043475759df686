//! Checks, before instantiation, that a component exports the interface a world needs in a
//! version this host speaks, and tells which, so that a plugin built against another release
//! of the WIT package is refused with the versions named instead of a type-mismatch deep in
//! wasmtime.
//!
//! The host speaks `0.3.x`, `0.2.x` and `0.1.x` (`wit/v0.3/`, `wit/v0.2/`, `wit/v0.1/`). For a
//! 0.y release semver compatibility means the same y, any patch, which is also what wasmtime's
//! export lookup accepts.

use wasmtime::Engine;
use wasmtime::component::Component;

use super::bindings::{latest, v0_1, v0_2, v0_3};
use super::error::PluginErrorKind;

/// The newest version of the WIT package: what new plugins should be built against.
pub const WIT_VERSION: &str = latest::version!();

/// Every version of the WIT package this host loads components of, newest first.
pub const SUPPORTED_WIT_VERSIONS: &[&str] = &[v0_3::version!(), v0_2::version!(), v0_1::version!()];

/// A version of the contract this host speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WitVersion {
    /// `0.1.x`: `day-metrics`, no `check-settings`.
    V0_1,
    /// `0.2.x`: `day-facts`, `check-settings`.
    V0_2,
    /// `0.3.x`: comments' `language`, the scorer's `languages`.
    V0_3,
}

impl WitVersion {
    /// The version of the package the host's bindings were generated from.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            WitVersion::V0_1 => v0_1::version!(),
            WitVersion::V0_2 => v0_2::version!(),
            WitVersion::V0_3 => v0_3::version!(),
        }
    }

    /// The version `X` of an exported `interface@X` when this host speaks it.
    fn of(version: &str) -> Option<Self> {
        match numeric_parts(version)? {
            [0, 1, _] => Some(WitVersion::V0_1),
            [0, 2, _] => Some(WitVersion::V0_2),
            [0, 3, _] => Some(WitVersion::V0_3),
            _ => None,
        }
    }
}

/// An interface that a world exports.
pub(crate) struct Interface {
    name: &'static str,
    /// The name with the versions this host speaks, as errors show it.
    supported: &'static str,
}

impl Interface {
    /// This interface among `exports`, in whatever version it is there.
    pub(crate) fn find_in<'a>(&self, exports: &'a [String]) -> Option<&'a String> {
        exports
            .iter()
            .find(|e| e.split('@').next() == Some(self.name))
    }
}

/// `hashtrack:plugins/NAME@0.3.0, NAME@0.2.0 or NAME@0.1.0`.
macro_rules! supported {
    ($name:literal) => {
        concat!(
            $name,
            "@",
            v0_3::version!(),
            ", ",
            $name,
            "@",
            v0_2::version!(),
            " or ",
            $name,
            "@",
            v0_1::version!()
        )
    };
}

/// The sentiment world's export.
pub(crate) const SCORER: Interface = Interface {
    name: "hashtrack:plugins/scorer",
    supported: supported!("hashtrack:plugins/scorer"),
};

/// The alert world's export.
pub(crate) const RULES: Interface = Interface {
    name: "hashtrack:plugins/rules",
    supported: supported!("hashtrack:plugins/rules"),
};

/// Accepts `interface@X` when `X` is semver-compatible with a version this host speaks, and
/// says which.
pub(crate) fn check(
    engine: &Engine,
    component: &Component,
    interface: &Interface,
) -> Result<WitVersion, PluginErrorKind> {
    let exports: Vec<String> = component
        .component_type()
        .exports(engine)
        .map(|(name, _)| name.to_string())
        .collect();
    version_of(&exports, interface)
}

/// [`check`] on the names of a component's exports.
pub(crate) fn version_of(
    exports: &[String],
    interface: &Interface,
) -> Result<WitVersion, PluginErrorKind> {
    match interface.find_in(exports) {
        None => Err(PluginErrorKind::MissingExport {
            expected: interface.supported,
            found: exports.to_vec(),
        }),
        Some(name) => name
            .split_once('@')
            .and_then(|(_, version)| WitVersion::of(version))
            .ok_or_else(|| PluginErrorKind::UnsupportedVersion {
                found: name.clone(),
                supported: interface.supported,
            }),
    }
}

/// `major.minor.patch` without pre-release or build suffixes; anything else is `None`.
fn numeric_parts(version: &str) -> Option<[u64; 3]> {
    let mut parts = version.split('.').map(|part| part.parse::<u64>().ok());
    let parsed = [parts.next()??, parts.next()??, parts.next()??];
    parts.next().is_none().then_some(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_supported_versions_are_the_wit_package_versions() {
        let wit = include_str!("../../../wit/v0.3/hashtrack.wit");
        assert!(wit.contains(&format!("package hashtrack:plugins@{WIT_VERSION};")));
        let old = include_str!("../../../wit/v0.1/hashtrack.wit");
        assert!(old.contains(&format!(
            "package hashtrack:plugins@{};",
            WitVersion::V0_1.as_str()
        )));
        assert_eq!(
            SUPPORTED_WIT_VERSIONS,
            [
                WitVersion::V0_3.as_str(),
                WitVersion::V0_2.as_str(),
                WitVersion::V0_1.as_str()
            ]
        );
    }

    #[test]
    fn interface_names_carry_every_supported_version() {
        assert_eq!(
            SCORER.supported,
            "hashtrack:plugins/scorer@0.3.0, hashtrack:plugins/scorer@0.2.0 or hashtrack:plugins/scorer@0.1.0"
        );
        assert_eq!(
            RULES.supported,
            "hashtrack:plugins/rules@0.3.0, hashtrack:plugins/rules@0.2.0 or hashtrack:plugins/rules@0.1.0"
        );
    }

    #[test]
    fn patch_releases_are_compatible_other_minor_releases_are_not() {
        assert_eq!(WitVersion::of("0.1.0"), Some(WitVersion::V0_1));
        assert_eq!(WitVersion::of("0.1.7"), Some(WitVersion::V0_1));
        assert_eq!(WitVersion::of("0.2.0"), Some(WitVersion::V0_2));
        assert_eq!(WitVersion::of("0.2.3"), Some(WitVersion::V0_2));
        assert_eq!(WitVersion::of("0.3.0"), Some(WitVersion::V0_3));
        assert_eq!(WitVersion::of("0.4.0"), None);
        assert_eq!(WitVersion::of("0.0.9"), None);
        assert_eq!(WitVersion::of("1.1.0"), None);
        assert_eq!(WitVersion::of("0.1.0-rc1"), None);
        assert_eq!(WitVersion::of("0.2"), None);
    }

    #[test]
    fn the_check_tells_the_version_or_names_the_supported_ones() {
        let exports = |name: &str| vec![name.to_string()];
        assert_eq!(
            version_of(&exports("hashtrack:plugins/scorer@0.1.0"), &SCORER),
            Ok(WitVersion::V0_1)
        );
        assert_eq!(
            version_of(&exports("hashtrack:plugins/rules@0.2.1"), &RULES),
            Ok(WitVersion::V0_2)
        );
        assert_eq!(
            version_of(&exports("hashtrack:plugins/scorer@0.4.0"), &SCORER),
            Err(PluginErrorKind::UnsupportedVersion {
                found: "hashtrack:plugins/scorer@0.4.0".to_string(),
                supported: SCORER.supported,
            })
        );
        assert_eq!(
            version_of(&exports("hashtrack:plugins/scorer"), &SCORER),
            Err(PluginErrorKind::UnsupportedVersion {
                found: "hashtrack:plugins/scorer".to_string(),
                supported: SCORER.supported,
            })
        );
        assert_eq!(
            version_of(&exports("hashtrack:plugins/scorer@0.2.0"), &RULES),
            Err(PluginErrorKind::MissingExport {
                expected: RULES.supported,
                found: exports("hashtrack:plugins/scorer@0.2.0"),
            })
        );
    }
}
