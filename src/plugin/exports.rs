//! Checks, before instantiation, that a component exports the interface a world needs in a
//! version this host speaks, so that a plugin built against another release of the WIT
//! package is refused with both versions named instead of a type-mismatch deep in wasmtime.

use wasmtime::Engine;
use wasmtime::component::Component;

use super::error::PluginErrorKind;

/// The version of `wit/hashtrack.wit` this host implements, as a macro so that the exported
/// interface names below can be built with `concat!`.
macro_rules! wit_version {
    () => {
        "0.1.0"
    };
}

/// The version of `wit/hashtrack.wit` this host implements.
pub const WIT_VERSION: &str = wit_version!();

/// An interface that a world exports.
pub(crate) struct Interface {
    name: &'static str,
    /// The name with the version this host speaks, as errors show it.
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

/// The sentiment world's export.
pub(crate) const SCORER: Interface = Interface {
    name: "hashtrack:plugins/scorer",
    supported: concat!("hashtrack:plugins/scorer@", wit_version!()),
};

/// The alert world's export.
pub(crate) const RULES: Interface = Interface {
    name: "hashtrack:plugins/rules",
    supported: concat!("hashtrack:plugins/rules@", wit_version!()),
};

/// Accepts `interface@X` when `X` is semver-compatible with `WIT_VERSION` (for a 0.y release:
/// the same y, any patch), which is also what wasmtime's export lookup accepts.
pub(crate) fn check(
    engine: &Engine,
    component: &Component,
    interface: &Interface,
) -> Result<(), PluginErrorKind> {
    let exports: Vec<String> = component
        .component_type()
        .exports(engine)
        .map(|(name, _)| name.to_string())
        .collect();
    match interface.find_in(&exports) {
        None => Err(PluginErrorKind::MissingExport {
            expected: interface.supported,
            found: exports,
        }),
        Some(name) => match name.split_once('@') {
            Some((_, version)) if compatible(version) => Ok(()),
            _ => Err(PluginErrorKind::UnsupportedVersion {
                found: name.clone(),
                supported: interface.supported,
            }),
        },
    }
}

fn compatible(version: &str) -> bool {
    let wanted = numeric_parts(WIT_VERSION);
    let found = numeric_parts(version);
    match (wanted, found) {
        (Some([0, wanted_minor, _]), Some([0, minor, _])) => minor == wanted_minor,
        (Some([wanted_major, ..]), Some([major, ..])) => wanted_major != 0 && major == wanted_major,
        _ => false,
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
    fn the_supported_version_is_the_wit_package_version() {
        let wit = include_str!("../../wit/hashtrack.wit");
        assert!(wit.contains(&format!("package hashtrack:plugins@{WIT_VERSION};")));
    }

    #[test]
    fn interface_names_carry_the_version() {
        assert_eq!(SCORER.supported, format!("{}@{WIT_VERSION}", SCORER.name));
        assert_eq!(RULES.supported, format!("{}@{WIT_VERSION}", RULES.name));
    }

    #[test]
    fn patch_releases_are_compatible_minor_releases_are_not() {
        assert!(compatible("0.1.0"));
        assert!(compatible("0.1.7"));
        assert!(!compatible("0.2.0"));
        assert!(!compatible("1.1.0"));
        assert!(!compatible("0.1.0-rc1"));
        assert!(!compatible("0.1"));
    }
}
