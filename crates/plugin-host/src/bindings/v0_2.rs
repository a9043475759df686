//! The current contract `hashtrack:plugins@0.2.0` (`wit/v0.2/hashtrack.wit`).

/// This contract's version, as its WIT file's `package` line says (a test holds them equal): a
/// macro, so that exported interface names can be built with `concat!`.
macro_rules! version {
    () => {
        "0.2.0"
    };
}
pub(crate) use version;

/// The `sentiment-scorer` world.
pub(crate) mod sentiment {
    wasmtime::component::bindgen!({
        path: "../../wit/v0.2",
        world: "sentiment-scorer",
    });
}

/// The `alert-rules` world.
pub(crate) mod alerts {
    wasmtime::component::bindgen!({
        path: "../../wit/v0.2",
        world: "alert-rules",
        with: {
            "hashtrack:plugins/types": super::sentiment::hashtrack::plugins::types,
            "hashtrack:plugins/log": super::sentiment::hashtrack::plugins::log,
        },
    });
}

pub(crate) use sentiment::hashtrack::plugins::{log, types};
