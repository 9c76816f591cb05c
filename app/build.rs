//! Lets `cargo leptos build --split` move each lazily loaded page's constant data (texts,
//! tables) into that page's chunk: with merged data segments it all stays in the first download.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=--no-merge-data-segments");
    }
}
