//! The browser bundle and stylesheet under `/pkg`: compressed once (brotli and gzip files written
//! beside each asset at build time, or by the server at start when they are missing), served in
//! the encoding the browser accepts, cached for a year when the file name carries its content
//! hash and revalidated otherwise. Pages themselves are never cached by the browser: they depend
//! on the session.

use std::io::Write;
use std::path::{Path, PathBuf};

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;

/// Assets worth compressing; images and fonts are compressed already.
const COMPRESSIBLE: &[&str] = &["wasm", "js", "css", "json", "svg", "html"];

/// Brotli at its best is slow on multi-megabyte debug bundles; those get a faster setting.
const BEST_QUALITY_UP_TO: u64 = 3 * 1024 * 1024;

/// One asset and what it weighs in each encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetSize {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

/// Whether a file name carries a content hash, so that it never changes and browsers may keep it
/// for a year: `name.<22 url-safe base64 chars>.ext` as cargo-leptos writes it, or
/// `name.<10 hex digits>.ext` as [`shorten_chunk_names`] rewrites the split's chunks.
pub fn is_content_hashed(file_name: &str) -> bool {
    let mut parts = file_name.rsplit('.');
    let (Some(_ext), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !stem.is_empty() && (is_cargo_leptos_hash(hash) || is_short_hash(hash))
}

fn is_cargo_leptos_hash(hash: &str) -> bool {
    // cargo-leptos names the split loader with 22 underscores until it knows the hash.
    let placeholder = hash.bytes().all(|b| b == b'_');
    hash.len() == 22 && !placeholder && hash.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

const SHORT_HASH_LEN: usize = 10;

fn is_short_hash(hash: &str) -> bool {
    hash.len() == SHORT_HASH_LEN && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Renames the split's chunks from `NAME.<22-char hash>.wasm` to `NAME.<10 hex digits>.wasm` and
/// rewrites the two files that list them: the split loader (part of every first download) and the
/// manifest the server reads for prefetch links. The loader lists some 600 chunks, and their long
/// hashes were two thirds of its compressed size; ten hex digits of the content's hash still tell
/// one version of a chunk from the next. Files the loader does not list (the main module, named
/// through cargo-leptos's hash file) keep their names. Running it again renames nothing. Returns
/// how many chunks were renamed.
pub fn shorten_chunk_names(dir: &Path) -> std::io::Result<usize> {
    let Some(loader) = file_named(dir, "__wasm_split.", ".js")? else { return Ok(0) };
    let manifest = file_named(dir, "__wasm_split_manifest.", ".json")?;
    let mut loader_text = std::fs::read_to_string(&loader)?;
    let mut manifest_text = manifest.as_ref().map(std::fs::read_to_string).transpose()?;
    let mut renamed = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        let Some(stem) = name.strip_suffix(".wasm") else { continue };
        let Some((base, hash)) = stem.rsplit_once('.') else { continue };
        let listed = format!("\"./{name}\"");
        if !is_cargo_leptos_hash(hash) || !loader_text.contains(&listed) {
            continue;
        }
        let short = format!("{base}.{}", short_hash(&std::fs::read(&path)?));
        loader_text = loader_text.replace(&listed, &format!("\"./{short}.wasm\""));
        if let Some(text) = manifest_text.as_mut() {
            *text = text.replace(&format!("\"{stem}\""), &format!("\"{short}\""));
        }
        link_or_copy(&path, &dir.join(format!("{short}.wasm")))?;
        renamed.push(path);
    }
    if renamed.is_empty() {
        return Ok(0);
    }
    // The new names exist before the lists point at them, and the old ones go only after: a run
    // cut short leaves a working bundle, and the next run finishes the job.
    write_atomically(&loader, loader_text.as_bytes())?;
    if let (Some(path), Some(text)) = (manifest, manifest_text) {
        write_atomically(&path, text.as_bytes())?;
    }
    for old in &renamed {
        std::fs::remove_file(old)?;
        for suffix in [".br", ".gz"] {
            let _ = std::fs::remove_file(sibling(old, suffix));
        }
    }
    Ok(renamed.len())
}

fn file_named(dir: &Path, prefix: &str, suffix: &str) -> std::io::Result<Option<PathBuf>> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.starts_with(prefix) && name.ends_with(suffix) {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// 64-bit FNV-1a of the content, as ten hex digits: enough to tell a chunk's versions apart (it
/// only busts caches; nothing trusts it).
fn short_hash(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3));
    format!("{:010x}", hash >> (64 - 4 * SHORT_HASH_LEN))
}

fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    if to.exists() {
        return Ok(());
    }
    std::fs::hard_link(from, to).or_else(|_| std::fs::copy(from, to).map(|_| ()))
}

fn is_compressible(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| COMPRESSIBLE.contains(&e))
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A sibling written before the asset's last change is stale.
fn is_fresh(asset: &Path, compressed: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(asset), modified(compressed)) {
        (Some(a), Some(c)) => c >= a,
        _ => false,
    }
}

/// Writes through a temporary name and renames, so a request never reads half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = sibling(path, &format!(".tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory")
}

pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let quality = if bytes.len() as u64 <= BEST_QUALITY_UP_TO { 11 } else { 6 };
    let params = brotli::enc::BrotliEncoderParams { quality, lgwin: 22, ..Default::default() };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("writing to memory");
    out
}

/// Writes `NAME.br` and `NAME.gz` beside every compressible asset under `dir` whose compressed
/// copies are missing or older than it, and reports every asset's sizes, sorted by name.
pub fn precompress(dir: &Path) -> std::io::Result<Vec<AssetSize>> {
    let mut sizes = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if !is_compressible(&path) {
                continue;
            }
            let raw = std::fs::read(&path)?;
            let (br, gz) = (sibling(&path, ".br"), sibling(&path, ".gz"));
            if !is_fresh(&path, &br) {
                write_atomically(&br, &brotli(&raw))?;
            }
            if !is_fresh(&path, &gz) {
                write_atomically(&gz, &gzip(&raw))?;
            }
            let name = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            sizes.push(AssetSize { name, raw: raw.len() as u64, gzip: std::fs::metadata(&gz)?.len(), brotli: std::fs::metadata(&br)?.len() });
        }
    }
    sizes.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(sizes)
}

/// `/pkg`: the precompressed files in the encoding the browser accepts, with cache headers.
pub fn pkg_router<S: Clone + Send + Sync + 'static>(site_root: &str, pkg_dir: &str) -> Router<S> {
    let dir = Path::new(site_root).join(pkg_dir);
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    Router::new()
        .nest_service(&format!("/{pkg_dir}"), files)
        .layer(axum::middleware::from_fn(cache_assets))
}

async fn cache_assets(req: Request, next: Next) -> Response {
    let hashed = req.uri().path().rsplit('/').next().is_some_and(is_content_hashed);
    let mut res = next.run(req).await;
    if res.status().is_success() || res.status() == axum::http::StatusCode::NOT_MODIFIED {
        let value = if hashed { "public, max-age=31536000, immutable" } else { "no-cache" };
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
        // Compressed and plain answers differ: caches must keep them apart.
        res.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    res
}

/// Pages depend on the session and on data that changes: the browser asks again every time.
pub async fn never_cache_pages(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache, private"));
    }
    res
}

/// Compresses what the build left uncompressed, off the request path; a site folder the server
/// may not write to is served as it is.
pub fn precompress_in_background(site_root: &str, pkg_dir: &str) {
    let dir = Path::new(site_root).join(pkg_dir);
    tokio::task::spawn_blocking(move || match precompress(&dir) {
        Ok(sizes) => tracing::debug!(assets = sizes.len(), "bundle compressed"),
        Err(e) => tracing::warn!(error = %e, dir = %dir.display(), "could not write compressed copies of the bundle"),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_content_hashed("crm.AbCdEfGhIjKlMnOpQrStUv.wasm"));
        assert!(is_content_hashed("__wasm_split.a-b_cdefghijklmnopqrst.js"));
        assert!(!is_content_hashed("crm.wasm"));
        assert!(!is_content_hashed("crm.css"));
        assert!(!is_content_hashed("__wasm_split.______________________.js"));
        assert!(!is_content_hashed("crm.short.wasm"));
        assert!(!is_content_hashed(".AbCdEfGhIjKlMnOpQrStUv.wasm"));
        assert!(is_content_hashed("chunk_12.0123456789.wasm"));
        assert!(is_content_hashed("split_customer_page.abcdef0123.wasm"));
        assert!(!is_content_hashed("chunk_12.0123456789a.wasm"));
        assert!(!is_content_hashed("chunk_12.ABCDEF0123.wasm"));
        assert!(!is_content_hashed("chunk_12.ghijkl0123.wasm"));
    }

    #[test]
    fn chunks_get_short_names_everywhere_they_are_listed() {
        let dir = std::env::temp_dir().join(format!("crm-chunk-names-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let long = ["chunk_3.AbCdEfGhIjKlMnOpQrStUv", "split_page.a-b_cdefghijklmnopqrst"];
        let main = "crm.ZZCdEfGhIjKlMnOpQrStUv.wasm";
        std::fs::write(dir.join(format!("{}.wasm", long[0])), b"chunk three").unwrap();
        std::fs::write(dir.join(format!("{}.wasm.br", long[0])), b"stale").unwrap();
        std::fs::write(dir.join(format!("{}.wasm", long[1])), b"the page").unwrap();
        std::fs::write(dir.join(main), b"main").unwrap();
        let loader = dir.join("__wasm_split.QQCdEfGhIjKlMnOpQrStUv.js");
        let manifest = dir.join("__wasm_split_manifest.RRCdEfGhIjKlMnOpQrStUv.json");
        // As the real loader: it imports the main JS (which loads the main module) and lists the chunks.
        let main_js = "crm.ZZCdEfGhIjKlMnOpQrStUv.js";
        std::fs::write(&loader, format!("import \"./{main_js}\";a(\"./{0}.wasm\");b(\"./{1}.wasm\");", long[0], long[1])).unwrap();
        std::fs::write(&manifest, format!("{{\"page\":[\"{0}\",\"{1}\"]}}", long[0], long[1])).unwrap();

        assert_eq!(shorten_chunk_names(&dir).unwrap(), 2);

        let mut names: Vec<String> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        let chunk = names.iter().find(|n| n.starts_with("chunk_3.")).unwrap().clone();
        let page = names.iter().find(|n| n.starts_with("split_page.")).unwrap().clone();
        assert_eq!(names.len(), 5, "{names:?}");
        assert!(names.contains(&main.to_string()), "the main module keeps its name: {names:?}");
        assert!(is_content_hashed(&chunk) && is_content_hashed(&page) && chunk.len() < long[0].len());
        assert_eq!(std::fs::read(dir.join(&chunk)).unwrap(), b"chunk three");
        let loader_text = std::fs::read_to_string(&loader).unwrap();
        assert_eq!(loader_text, format!("import \"./{main_js}\";a(\"./{chunk}\");b(\"./{page}\");"));
        let manifest_text = std::fs::read_to_string(&manifest).unwrap();
        let stem = |n: &str| n.strip_suffix(".wasm").unwrap().to_string();
        assert_eq!(manifest_text, format!("{{\"page\":[\"{}\",\"{}\"]}}", stem(&chunk), stem(&page)));

        // Once done, nothing is left to do; the same content always gets the same name.
        assert_eq!(shorten_chunk_names(&dir).unwrap(), 0);
        assert_eq!(std::fs::read_to_string(&loader).unwrap(), loader_text);
        assert_eq!(short_hash(b"chunk three"), chunk.trim_start_matches("chunk_3.").trim_end_matches(".wasm"));
        assert_ne!(short_hash(b"chunk three"), short_hash(b"chunk three!"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_bundle_without_a_split_loader_is_left_alone() {
        let dir = std::env::temp_dir().join(format!("crm-no-split-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("crm.AbCdEfGhIjKlMnOpQrStUv.wasm"), b"main").unwrap();
        assert_eq!(shorten_chunk_names(&dir).unwrap(), 0);
        assert!(dir.join("crm.AbCdEfGhIjKlMnOpQrStUv.wasm").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn precompress_writes_fresh_copies_that_decode_to_the_original() {
        let dir = std::env::temp_dir().join(format!("crm-assets-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let text = "fn main() { println!(\"hello\"); }\n".repeat(500);
        std::fs::write(dir.join("app.js"), &text).unwrap();
        std::fs::write(dir.join("sub/site.css"), "body { color: red }\n").unwrap();
        std::fs::write(dir.join("logo.png"), [0u8, 1, 2, 3]).unwrap();

        let sizes = precompress(&dir).unwrap();
        let names: Vec<_> = sizes.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["app.js", "sub/site.css"]);
        let js = &sizes[0];
        assert_eq!(js.raw, text.len() as u64);
        assert!(js.brotli < js.raw / 10 && js.gzip < js.raw / 10, "{js:?}");
        assert!(!dir.join("logo.png.br").exists());

        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut &std::fs::read(dir.join("app.js.br")).unwrap()[..], &mut decoded).unwrap();
        assert_eq!(decoded, text.as_bytes());
        let gz_bytes = std::fs::read(dir.join("app.js.gz")).unwrap();
        let mut gz = flate2::read::GzDecoder::new(&gz_bytes[..]);
        let mut plain = String::new();
        std::io::Read::read_to_string(&mut gz, &mut plain).unwrap();
        assert_eq!(plain, text);

        // A changed asset gets new copies; the second pass reports the same sizes otherwise.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.join("app.js"), "let x = 1;").unwrap();
        let again = precompress(&dir).unwrap();
        assert_eq!(again[0].raw, 10);
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut &std::fs::read(dir.join("app.js.br")).unwrap()[..], &mut decoded).unwrap();
        assert_eq!(decoded, b"let x = 1;");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
