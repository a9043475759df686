//! The frozen contract `hashtrack:plugins@0.1.0` (`wit/v0.1/hashtrack.wit`): alert rules see
//! `day-metrics`, comments have no time, and neither world has `check-settings`.

/// This contract's version, as its WIT file's `package` line says (a test holds them equal).
macro_rules! version {
    () => {
        "0.1.0"
    };
}
pub(crate) use version;

/// The `sentiment-scorer` world.
pub(crate) mod sentiment {
    wasmtime::component::bindgen!({
        path: "../../wit/v0.1",
        world: "sentiment-scorer",
    });
}

/// The `alert-rules` world.
pub(crate) mod alerts {
    wasmtime::component::bindgen!({
        path: "../../wit/v0.1",
        world: "alert-rules",
        with: {
            "hashtrack:plugins/types": super::sentiment::hashtrack::plugins::types,
            "hashtrack:plugins/log": super::sentiment::hashtrack::plugins::log,
        },
    });
}

pub(crate) use sentiment::hashtrack::plugins::{log, types};
