//! The current contract `hashtrack:plugins@0.2.0` (`wit/v0.2/hashtrack.wit`).

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
