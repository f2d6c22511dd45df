// A Rust actor for wasm32-wasi built by Debian's rustc with the wasm32 std (no crates, no
// wit-bindgen): println!/eprintln! and std::env through the preview1 adapter; the canonical-ABI glue
// of theater:simple/actor#init is written by hand.
use std::alloc::{alloc, realloc, Layout};

#[no_mangle]
pub unsafe extern "C" fn cabi_realloc(old: *mut u8, old_size: usize, align: usize, new_size: usize) -> *mut u8 {
    if old.is_null() {
        alloc(Layout::from_size_align_unchecked(new_size.max(1), align))
    } else {
        realloc(old, Layout::from_size_align_unchecked(old_size, align), new_size)
    }
}

static mut RESULT: [u32; 4] = [0; 4];
static mut REPORT: String = String::new();

/// init(state: option<list<u8>>) -> result<tuple<option<list<u8>>>, string>
#[export_name = "theater:simple/actor#init"]
pub unsafe extern "C" fn init(has_state: u32, ptr: *const u8, len: usize) -> *const u32 {
    let state = if has_state == 1 { std::slice::from_raw_parts(ptr, len).to_vec() } else { Vec::new() };
    println!("hello from Rust std");
    eprintln!("Rust writes to stderr");
    let args: Vec<String> = std::env::args().collect();
    let var = std::env::var("THEATER_RUST_VAR").unwrap_or_else(|_| "unset".to_string());
    println!("args={:?} THEATER_RUST_VAR={}", args, var);
    REPORT = format!("rust-wasi ok: {} state bytes, {} args, var {}", state.len(), args.len(), var);
    RESULT = [0, 1, REPORT.as_ptr() as u32, REPORT.len() as u32];
    RESULT.as_ptr()
}
