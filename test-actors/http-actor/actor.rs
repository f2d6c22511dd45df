// target: bare
// An http-framework actor for wasm32-unknown-unknown (Debian rustc, no crates), canonical-ABI glue by
// hand. init creates a loopback server (port from the runtime) with routes GET /hello,
// GET /items/{id} and POST /fetch and a middleware on "/", starts it and keeps the port (decimal) as
// its state. handle-middleware refuses requests with an `x-block` header and adds `x-mw: 1` to the
// others; handle-request answers /hello ("hello from theater", "(middleware ran)" when x-mw is there),
// /items/{id} ("item <id>" from x-route-param-id) and /fetch, whose body "METHOD URL" is sent with
// send-http: 200 "upstream <status>: <body>", or 502 with the err sentence. A WebSocket on /ws greets
// each connection with send-websocket-message("welcome /ws") and answers each message "echo: <text>".
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

#[link(wasm_import_module = "theater:simple/http-client")]
extern "C" {
    #[link_name = "send-http"]
    fn send_http(
        mp: *const u8, ml: usize, up: *const u8, ul: usize, hp: *const u8, hl: usize,
        bd: u32, bp: *const u8, bl: usize, ret: *mut u8,
    );
}

#[link(wasm_import_module = "theater:simple/http-framework")]
extern "C" {
    #[link_name = "create-server"]
    fn create_server(
        port_d: u32, port: u32, host_d: u32, hp: *const u8, hl: usize,
        tls_d: u32, cp: *const u8, cl: usize, kp: *const u8, kl: usize, ret: *mut u8,
    );
    #[link_name = "register-handler"]
    fn register_handler(p: *const u8, l: usize, ret: *mut u8);
    #[link_name = "add-route"]
    fn add_route(server: u64, pp: *const u8, pl: usize, mp: *const u8, ml: usize, handler: u64, ret: *mut u8);
    #[link_name = "add-middleware"]
    fn add_middleware(server: u64, pp: *const u8, pl: usize, handler: u64, ret: *mut u8);
    #[link_name = "start-server"]
    fn start_server(server: u64, ret: *mut u8);
    #[link_name = "enable-websocket"]
    fn enable_websocket(
        server: u64, pp: *const u8, pl: usize, cd: u32, connect: u64, message: u64, dd: u32, disconnect: u64, ret: *mut u8,
    );
    #[link_name = "send-websocket-message"]
    fn send_websocket_message(
        server: u64, conn: u64, ty: u32, tp: *const u8, tl: usize, dd: u32, dp: *const u8, dl: usize,
        xd: u32, xp: *const u8, xl: usize, ret: *mut u8,
    );
}

static mut SERVER: u64 = 0;

// A bump allocator, reset when the host calls in again after an export returned (the host has
// read that export's results by then).
static mut HEAP: [u8; 1 << 20] = [0; 1 << 20];
static mut NEXT: usize = 0;
static mut RETURNED: bool = false;

#[no_mangle]
pub unsafe extern "C" fn cabi_realloc(_old: *mut u8, _old_size: usize, align: usize, new_size: usize) -> *mut u8 {
    if RETURNED {
        RETURNED = false;
        NEXT = 0;
    }
    let start = (NEXT + align - 1) & !(align - 1);
    if start + new_size > HEAP.len() {
        core::arch::wasm32::unreachable()
    }
    NEXT = start + new_size;
    HEAP.as_mut_ptr().add(start)
}

unsafe fn alloc(size: usize) -> *mut u8 {
    cabi_realloc(core::ptr::null_mut(), 0, 8, size)
}

unsafe fn rd32(p: *const u8, off: usize) -> u32 {
    (p.add(off) as *const u32).read_unaligned()
}
unsafe fn wr32(p: *mut u8, off: usize, v: u32) {
    (p.add(off) as *mut u32).write_unaligned(v)
}
unsafe fn slice<'a>(p: *const u8, l: usize) -> &'a [u8] {
    if l == 0 {
        &[]
    } else {
        core::slice::from_raw_parts(p, l)
    }
}

/// Bytes copied into fresh memory (they outlive this call until the host read them).
unsafe fn concat(parts: &[&[u8]]) -> (*const u8, usize) {
    let n: usize = parts.iter().map(|p| p.len()).sum();
    let out = alloc(n.max(1));
    let mut at = 0;
    for p in parts {
        core::ptr::copy_nonoverlapping(p.as_ptr(), out.add(at), p.len());
        at += p.len();
    }
    (out, n)
}

fn fmt_u32(mut v: u32, buf: &mut [u8; 10]) -> &[u8] {
    let mut i = 10;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    &buf[i..]
}

unsafe fn log(parts: &[&[u8]]) {
    let (p, l) = concat(parts);
    runtime_log(p, l);
}

static mut RET: [u64; 8] = [0; 8];
unsafe fn ret() -> *mut u8 {
    RET = [0; 8];
    RET.as_mut_ptr() as *mut u8
}

/// init's and the handlers' err(msg) result: disc 1 at 0, the string at 4.
unsafe fn err_result(msg: *const u8, len: usize) -> *const u8 {
    let out = alloc(64);
    wr32(out, 0, 1);
    wr32(out, 4, msg as u32);
    wr32(out, 8, len as u32);
    RETURNED = true;
    out
}

/// A result<u64, string> at `r`: Ok(value) or the err string returned from init.
unsafe fn u64_or_fail(r: *const u8) -> Result<u64, *const u8> {
    if *r == 0 {
        Ok((r.add(8) as *const u64).read_unaligned())
    } else {
        Err(err_result(rd32(r, 8) as *const u8, rd32(r, 12) as usize))
    }
}

#[export_name = "theater:simple/actor#init"]
pub unsafe extern "C" fn init(_has_state: u32, _ptr: *const u8, _len: usize) -> *const u8 {
    match setup() {
        Ok(p) => p,
        Err(p) => p,
    }
}

unsafe fn setup() -> Result<*const u8, *const u8> {
    let host = b"127.0.0.1";
    let r = ret();
    create_server(0, 0, 1, host.as_ptr(), host.len(), 0, core::ptr::null(), 0, core::ptr::null(), 0, r);
    let server = u64_or_fail(r)?;
    let r = ret();
    register_handler(b"hello".as_ptr(), 5, r);
    let handler = u64_or_fail(r)?;
    let r = ret();
    register_handler(b"mw".as_ptr(), 2, r);
    let mw = u64_or_fail(r)?;
    for (path, method) in [(&b"/hello"[..], &b"GET"[..]), (b"/items/{id}", b"GET"), (b"/fetch", b"POST")] {
        let r = ret();
        add_route(server, path.as_ptr(), path.len(), method.as_ptr(), method.len(), handler, r);
        u64_or_fail(r)?;
    }
    let r = ret();
    add_middleware(server, b"/".as_ptr(), 1, mw, r);
    u64_or_fail(r)?;
    let r = ret();
    enable_websocket(server, b"/ws".as_ptr(), 3, 1, handler, handler, 1, handler, r);
    if *r != 0 {
        return Err(err_result(rd32(r, 4) as *const u8, rd32(r, 8) as usize));
    }
    SERVER = server;
    let r = ret();
    start_server(server, r);
    if *r != 0 {
        return Err(err_result(rd32(r, 4) as *const u8, rd32(r, 8) as usize));
    }
    let port = (r.add(4) as *const u16).read_unaligned() as u32;
    let mut buf = [0u8; 10];
    let digits = fmt_u32(port, &mut buf);
    log(&[b"listening on port ", digits]);
    let (sp, sl) = concat(&[digits]);
    let out = alloc(16);
    wr32(out, 0, 0);
    wr32(out, 4, 1);
    wr32(out, 8, sp as u32);
    wr32(out, 12, sl as u32);
    RETURNED = true;
    Ok(out)
}

/// The value of the first header named `name` (names arrive lower-case).
unsafe fn header<'a>(hp: *const u8, hl: usize, name: &[u8]) -> Option<&'a [u8]> {
    for i in 0..hl {
        let e = hp.add(i * 16);
        if slice(rd32(e, 0) as *const u8, rd32(e, 4) as usize) == name {
            return Some(slice(rd32(e, 8) as *const u8, rd32(e, 12) as usize));
        }
    }
    None
}

/// ok((state, (response))) with status, one content-type header and `body`.
unsafe fn respond(sd: u32, sp: *const u8, sl: usize, status: u16, body: &[&[u8]]) -> *const u8 {
    let (bp, bl) = concat(body);
    let ct_name = b"content-type";
    let ct = b"text/plain";
    let h = alloc(16);
    wr32(h, 0, ct_name.as_ptr() as u32);
    wr32(h, 4, ct_name.len() as u32);
    wr32(h, 8, ct.as_ptr() as u32);
    wr32(h, 12, ct.len() as u32);
    let out = alloc(40);
    wr32(out, 0, 0);
    wr32(out, 4, sd);
    wr32(out, 8, sp as u32);
    wr32(out, 12, sl as u32);
    wr32(out, 16, status as u32);
    wr32(out, 20, h as u32);
    wr32(out, 24, 1);
    wr32(out, 28, 1);
    wr32(out, 32, bp as u32);
    wr32(out, 36, bl as u32);
    RETURNED = true;
    out
}

#[export_name = "theater:simple/http-handlers#handle-request"]
pub unsafe extern "C" fn handle_request(
    sd: u32, sp: *const u8, sl: usize, _handler: u64,
    _mp: *const u8, _ml: usize, up: *const u8, ul: usize, hp: *const u8, hl: usize,
    bd: u32, bp: *const u8, bl: usize,
) -> *const u8 {
    let uri = slice(up, ul);
    let path = match uri.iter().position(|&c| c == b'?') {
        Some(q) => &uri[..q],
        None => uri,
    };
    if path == b"/hello" {
        let extra: &[u8] = if header(hp, hl, b"x-mw").is_some() { b" (middleware ran)" } else { b"" };
        return respond(sd, sp, sl, 200, &[b"hello from theater", extra]);
    }
    if path.starts_with(b"/items/") {
        let id = header(hp, hl, b"x-route-param-id").unwrap_or(b"?");
        return respond(sd, sp, sl, 200, &[b"item ", id]);
    }
    if path == b"/fetch" {
        let body = if bd == 1 { slice(bp, bl) } else { &[] };
        let space = match body.iter().position(|&c| c == b' ') {
            Some(s) => s,
            None => return respond(sd, sp, sl, 400, &[b"body must be: METHOD URL"]),
        };
        let (method, url) = (&body[..space], &body[space + 1..]);
        let (mp, ml) = concat(&[method]);
        let (upp, upl) = concat(&[url]);
        let (hn, hv) = (b"x-from", b"http-actor");
        let h = alloc(16);
        wr32(h, 0, hn.as_ptr() as u32);
        wr32(h, 4, hn.len() as u32);
        wr32(h, 8, hv.as_ptr() as u32);
        wr32(h, 12, hv.len() as u32);
        let r = alloc(32);
        send_http(mp, ml, upp, upl, h, 1, 0, core::ptr::null(), 0, r);
        if *r != 0 {
            let msg = slice(rd32(r, 4) as *const u8, rd32(r, 8) as usize);
            return respond(sd, sp, sl, 502, &[msg]);
        }
        let status = (r.add(4) as *const u16).read_unaligned() as u32;
        let got = if *r.add(16) == 1 { slice(rd32(r, 20) as *const u8, rd32(r, 24) as usize) } else { &[] };
        let mut buf = [0u8; 10];
        let digits = fmt_u32(status, &mut buf);
        let mut copy = [0u8; 10];
        copy[..digits.len()].copy_from_slice(digits);
        return respond(sd, sp, sl, 200, &[b"upstream ", &copy[..digits.len()], b": ", got]);
    }
    respond(sd, sp, sl, 404, &[b"not found"])
}

#[export_name = "theater:simple/http-handlers#handle-middleware"]
pub unsafe extern "C" fn handle_middleware(
    sd: u32, sp: *const u8, sl: usize, _handler: u64,
    mp: *const u8, ml: usize, up: *const u8, ul: usize, hp: *const u8, hl: usize,
    bd: u32, bp: *const u8, bl: usize,
) -> *const u8 {
    let proceed = header(hp, hl, b"x-block").is_none();
    // The headers with x-mw: 1 added.
    let nh = alloc((hl + 1) * 16);
    if hl > 0 {
        core::ptr::copy_nonoverlapping(hp, nh, hl * 16);
    }
    let (n, v) = (b"x-mw", b"1");
    let e = nh.add(hl * 16);
    wr32(e, 0, n.as_ptr() as u32);
    wr32(e, 4, n.len() as u32);
    wr32(e, 8, v.as_ptr() as u32);
    wr32(e, 12, v.len() as u32);
    let out = alloc(56);
    let fields: [u32; 14] = [
        0, sd, sp as u32, sl as u32, proceed as u32, mp as u32, ml as u32, up as u32, ul as u32, nh as u32,
        (hl + 1) as u32, bd, bp as u32, bl as u32,
    ];
    for (i, f) in fields.iter().enumerate() {
        wr32(out, i * 4, *f);
    }
    RETURNED = true;
    out
}

/// ok((state)) for the exports without a result.
unsafe fn ok_state(sd: u32, sp: *const u8, sl: usize) -> *const u8 {
    let out = alloc(16);
    wr32(out, 0, 0);
    wr32(out, 4, sd);
    wr32(out, 8, sp as u32);
    wr32(out, 12, sl as u32);
    RETURNED = true;
    out
}

/// Greets every new connection with send-websocket-message("welcome <path>").
#[export_name = "theater:simple/http-handlers#handle-websocket-connect"]
pub unsafe extern "C" fn ws_connect(
    sd: u32, sp: *const u8, sl: usize, _handler: u64, conn: u64, pp: *const u8, pl: usize, _qd: u32, _qp: u32, _ql: u32,
) -> *const u8 {
    let (tp, tl) = concat(&[b"welcome ", slice(pp, pl)]);
    let r = ret();
    send_websocket_message(SERVER, conn, 0, core::ptr::null(), 0, 0, core::ptr::null(), 0, 1, tp, tl, r);
    if *r != 0 {
        return err_result(rd32(r, 4) as *const u8, rd32(r, 8) as usize);
    }
    ok_state(sd, sp, sl)
}

/// Answers every message with one text message "echo: <its text>" (binary: "echo: <n> bytes").
#[export_name = "theater:simple/http-handlers#handle-websocket-message"]
pub unsafe extern "C" fn ws_message(
    sd: u32, sp: *const u8, sl: usize, _handler: u64, _conn: u64, _ty: u32, _tp: u32, _tl: u32,
    dd: u32, _dp: *const u8, dl: usize, xd: u32, xp: *const u8, xl: usize,
) -> *const u8 {
    let mut buf = [0u8; 10];
    let (tp, tl) = if xd == 1 {
        concat(&[b"echo: ", slice(xp, xl)])
    } else {
        let n = if dd == 1 { dl as u32 } else { 0 };
        concat(&[b"echo: ", fmt_u32(n, &mut buf), b" bytes"])
    };
    let m = alloc(36);
    for i in 0..9 {
        wr32(m, i * 4, 0);
    }
    wr32(m, 24, 1);
    wr32(m, 28, tp as u32);
    wr32(m, 32, tl as u32);
    let out = alloc(24);
    wr32(out, 0, 0);
    wr32(out, 4, sd);
    wr32(out, 8, sp as u32);
    wr32(out, 12, sl as u32);
    wr32(out, 16, m as u32);
    wr32(out, 20, 1);
    RETURNED = true;
    out
}

#[export_name = "theater:simple/http-handlers#handle-websocket-disconnect"]
pub unsafe extern "C" fn ws_disconnect(sd: u32, sp: *const u8, sl: usize, _handler: u64, _conn: u64) -> *const u8 {
    log(&[b"websocket closed"]);
    ok_state(sd, sp, sl)
}
