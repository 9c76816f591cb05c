//! Files in the browser: offering text as a download, and reading a file the user chose.

#[cfg(not(feature = "ssr"))]
use leptos::prelude::document;

/// Offers text as a file download in the browser (a CSV export, say).
pub fn download(file_name: &str, mime: &str, text: &str) {
    #[cfg(not(feature = "ssr"))]
    {
        use wasm_bindgen::JsCast;
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
        let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
        if let Some(a) = document().create_element("a").ok().and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok()) {
            a.set_href(&url);
            a.set_download(file_name);
            a.click();
        }
        let _ = web_sys::Url::revoke_object_url(&url);
    }
    #[cfg(feature = "ssr")]
    let _ = (file_name, mime, text);
}

/// Reads a file chosen in the browser as text: UTF-8, or GB18030 (what Excel writes on Chinese
/// Windows) when it is not valid UTF-8.
#[cfg(not(feature = "ssr"))]
pub fn read_file_text(file: web_sys::File, done: impl Fn(String) + Clone + 'static) {
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    fn read(file: web_sys::File, label: &'static str, done: impl Fn(String) + Clone + 'static) {
        let Ok(reader) = web_sys::FileReader::new() else { return };
        let r = reader.clone();
        let again = file.clone();
        let onload = Closure::once_into_js(move |_: JsValue| {
            let text = r.result().ok().and_then(|v| v.as_string()).unwrap_or_default();
            if label == "utf-8" && text.contains('\u{fffd}') {
                read(again, "gb18030", done);
            } else {
                done(text);
            }
        });
        reader.set_onload(Some(onload.unchecked_ref()));
        let _ = reader.read_as_text_with_label(&file, label);
    }
    read(file, "utf-8", done);
}
