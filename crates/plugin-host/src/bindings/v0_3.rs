//! The current contract `hashtrack:plugins@0.3.0` (`wit/v0.3/hashtrack.wit`): comments carry
//! their language and a scorer names the languages it scores. Its alert-rules world is 0.2.0's,
//! so its types are 0.2.0's Rust types: the host converts day facts and alerts once for both.

/// This contract's version, as its WIT file's `package` line says (a test holds them equal): a
/// macro, so that exported interface names can be built with `concat!`.
macro_rules! version {
    () => {
        "0.3.0"
    };
}
pub(crate) use version;

/// The `sentiment-scorer` world.
pub(crate) mod sentiment {
    wasmtime::component::bindgen!({
        path: "../../wit/v0.3",
        world: "sentiment-scorer",
    });
}

/// The `alert-rules` world. Its records are 0.2.0's field for field (a component's types are
/// checked by structure when it is instantiated), and only `comment`, which no rules function
/// takes, differs; so the 0.2 bindings' types serve it.
pub(crate) mod alerts {
    wasmtime::component::bindgen!({
        path: "../../wit/v0.3",
        world: "alert-rules",
        with: {
            "hashtrack:plugins/types": crate::bindings::v0_2::sentiment::hashtrack::plugins::types,
            "hashtrack:plugins/log": super::sentiment::hashtrack::plugins::log,
        },
    });
}

pub(crate) use sentiment::hashtrack::plugins::{log, types};
