// target: bare
// A Rust actor for wasm32-unknown-unknown, as upstream's actors are built, but with Debian's rustc and
// no crates: no WASI at all, the canonical-ABI glue for theater:simple/runtime log,
// wasi:random get-random-u64 and the init export written by hand.
#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[link(wasm_import_module = "theater:simple/runtime")]
extern "C" {
    #[link_name = "log"]
    fn runtime_log(ptr: *const u8, len: usize);
}

#[link(wasm_import_module = "wasi:random/random@0.2.3")]
extern "C" {
    #[link_name = "get-random-u64"]
    fn get_random_u64() -> u64;
}

// A bump allocator: the host lowers the state into memory it gets from cabi_realloc.
static mut HEAP: [u8; 65536] = [0; 65536];
static mut NEXT: usize = 0;

#[no_mangle]
pub unsafe extern "C" fn cabi_realloc(_old: *mut u8, _old_size: usize, align: usize, new_size: usize) -> *mut u8 {
    let start = (NEXT + align - 1) & !(align - 1);
    if start + new_size > HEAP.len() {
        core::arch::wasm32::unreachable()
    }
    NEXT = start + new_size;
    HEAP.as_mut_ptr().add(start)
}

static mut RESULT: [u32; 4] = [0; 4];

/// init(state: option<list<u8>>) -> result<tuple<option<list<u8>>>, string>: logs, draws one u64 and
/// returns ok(some(its 8 little-endian bytes)).
#[export_name = "theater:simple/actor#init"]
pub unsafe extern "C" fn init(_has_state: u32, _ptr: *const u8, _len: usize) -> *const u32 {
    let m = "hello from Rust without WASI";
    runtime_log(m.as_ptr(), m.len());
    let bytes = get_random_u64().to_le_bytes();
    let out = cabi_realloc(core::ptr::null_mut(), 0, 1, 8);
    core::ptr::copy_nonoverlapping(bytes.as_ptr(), out, 8);
    RESULT = [0, 1, out as u32, 8];
    RESULT.as_ptr()
}
