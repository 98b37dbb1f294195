//! Runs the real `gridlog` binary in a pseudo-terminal and reads its screen the way a terminal
//! would (vt100), for end-to-end tests of the TUI: keys and bracketed pastes go in as the
//! bytes a terminal sends, the screen comes back as text, and every byte the program writes is
//! kept so tests can count them or look for escape sequences.
//!
//! Tests wait for what the screen shows, never for fixed times: the only sleeps are the short
//! gaps between keys, so that crossterm reads each key on its own (a lone Esc followed too
//! closely by another key is read as Alt+key).

#![allow(dead_code)] // each test binary uses a different part of the harness

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_gridlog");
/// "Today" for the program (`GRIDLOG_NOW`), so due dates and "overdue" are stable.
pub const TODAY: &str = "2026-11-27";
/// How long a test waits for something to appear before failing (debug build, loaded machine).
pub const TIMEOUT: Duration = Duration::from_secs(20);
/// A silence this long after some output means the frame being drawn is complete.
const FRAME_QUIET: Duration = Duration::from_millis(40);
/// Pause after each key, so that keys reach the program one read at a time.
const KEY_GAP: Duration = Duration::from_millis(30);
/// Pause after a lone Esc, so that the next key is not read as Alt+key.
const ESC_GAP: Duration = Duration::from_millis(120);

/// A key as a terminal sends it (xterm, normal cursor mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Enter,
    Esc,
    Tab,
    BackTab,
    Up,
    Down,
    Left,
    Right,
    Backspace,
    Space,
    F2,
    /// Alt+Enter: a new line in a multi-line field.
    AltEnter,
    /// Ctrl plus a letter (`Ctrl('s')` is Ctrl+S).
    Ctrl(char),
    /// A character, typed.
    Char(char),
}

impl Key {
    /// The bytes the terminal sends for this key.
    pub fn bytes(self) -> Vec<u8> {
        let s: &[u8] = match self {
            Key::Enter => b"\r",
            Key::Esc => b"\x1b",
            Key::Tab => b"\t",
            Key::BackTab => b"\x1b[Z",
            Key::Up => b"\x1b[A",
            Key::Down => b"\x1b[B",
            Key::Right => b"\x1b[C",
            Key::Left => b"\x1b[D",
            Key::Backspace => b"\x7f",
            Key::Space => b" ",
            Key::F2 => b"\x1bOQ",
            Key::AltEnter => b"\x1b\r",
            Key::Ctrl(c) => return vec![(c.to_ascii_lowercase() as u8) & 0x1f],
            Key::Char(c) => return c.to_string().into_bytes(),
        };
        s.to_vec()
    }
}

/// How to start a program in the pseudo-terminal.
pub struct Launch {
    cmd: CommandBuilder,
    cols: u16,
    rows: u16,
}

impl Launch {
    /// `gridlog ARGS` in an 80x24 terminal, with `GRIDLOG_NOW` set and no locale (so only
    /// `--lang` chooses the language).
    pub fn gridlog(args: &[&str]) -> Launch {
        Launch::program(BIN, args)
    }

    /// Any program, in the same environment as [`Launch::gridlog`].
    pub fn program(program: &str, args: &[&str]) -> Launch {
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        for var in [
            "LANG",
            "LANGUAGE",
            "LC_ALL",
            "LC_MESSAGES",
            "NO_COLOR",
            "GRIDLOG_DATA_DIR",
            "GRIDLOG_CACHE_MB",
            "COLUMNS",
            "LINES",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("TERM", "xterm-256color");
        cmd.env("GRIDLOG_NOW", TODAY);
        cmd.cwd(std::env::temp_dir());
        Launch { cmd, cols: 80, rows: 24 }
    }

    /// The terminal's size.
    pub fn size(mut self, cols: u16, rows: u16) -> Launch {
        self.cols = cols;
        self.rows = rows;
        self
    }

    /// Sets an environment variable for the program.
    pub fn env(mut self, key: &str, value: &str) -> Launch {
        self.cmd.env(key, value);
        self
    }

    /// The working directory of the program.
    pub fn cwd(mut self, dir: &Path) -> Launch {
        self.cmd.cwd(dir);
        self
    }

    /// Starts the program.
    pub fn spawn(self) -> PtyApp {
        let size = PtySize { rows: self.rows, cols: self.cols, pixel_width: 0, pixel_height: 0 };
        let pair = native_pty_system().openpty(size).expect("open a pseudo-terminal");
        let child = pair.slave.spawn_command(self.cmd).expect("start the program in the pseudo-terminal");
        // Only the child keeps the terminal side open, so reads end when it exits.
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let shared = Arc::new(Shared {
            term: Mutex::new(Term {
                parser: vt100::Parser::new(nz(self.rows), nz(self.cols), 0),
                raw: Vec::new(),
                eof: false,
                last_output: Instant::now(),
            }),
            changed: Condvar::new(),
        });
        let feed = Arc::clone(&shared);
        let reader_thread = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                let n = match reader.read(&mut buf) {
                    Ok(0) => 0,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    // EIO once the child has exited and closed the terminal
                    Err(_) => 0,
                };
                let mut t = feed.lock();
                if n == 0 {
                    t.eof = true;
                    feed.changed.notify_all();
                    return;
                }
                t.parser.process(&buf[..n]);
                t.raw.extend_from_slice(&buf[..n]);
                t.last_output = Instant::now();
                feed.changed.notify_all();
            }
        });
        PtyApp { master: pair.master, writer, child, shared, reader: Some(reader_thread), status: None, pressed: 0 }
    }
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("a terminal has at least one row and column")
}

struct Term {
    parser: vt100::Parser,
    raw: Vec<u8>,
    eof: bool,
    last_output: Instant,
}

struct Shared {
    term: Mutex<Term>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Term> {
        // a failed wait panics while holding the lock; the screen is still worth showing
        self.term.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A program running in a pseudo-terminal.
pub struct PtyApp {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    shared: Arc<Shared>,
    reader: Option<JoinHandle<()>>,
    status: Option<ExitStatus>,
    /// Keys pressed with [`PtyApp::key`] (typed text and pastes are not keys).
    pressed: usize,
}

impl PtyApp {
    /// Writes bytes to the terminal, as if typed.
    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// Types text (sent as UTF-8 in one write, as an input method commits it).
    pub fn send_str(&mut self, text: &str) {
        self.send(text.as_bytes());
        std::thread::sleep(KEY_GAP);
    }

    /// Presses a key.
    pub fn key(&mut self, key: Key) {
        self.pressed += 1;
        self.send(&key.bytes());
        std::thread::sleep(if key == Key::Esc { ESC_GAP } else { KEY_GAP });
    }

    /// How many keys have been pressed so far (not counting typed text or pastes).
    pub fn keys_pressed(&self) -> usize {
        self.pressed
    }

    /// Presses keys one after the other.
    pub fn keys(&mut self, keys: &[Key]) {
        for k in keys {
            self.key(*k);
        }
    }

    /// Pastes text the way a terminal does with bracketed paste on.
    pub fn paste(&mut self, text: &str) {
        let mut bytes = b"\x1b[200~".to_vec();
        bytes.extend_from_slice(text.as_bytes());
        bytes.extend_from_slice(b"\x1b[201~");
        self.send(&bytes);
        std::thread::sleep(KEY_GAP);
    }

    /// The screen as text, one line per row.
    pub fn screen_text(&self) -> String {
        self.shared.lock().parser.screen().contents()
    }

    /// Looks at the parsed screen (cells, attributes, modes).
    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(self.shared.lock().parser.screen())
    }

    /// Bytes the program has written so far.
    pub fn bytes_written(&self) -> usize {
        self.shared.lock().raw.len()
    }

    /// Everything the program has written so far.
    pub fn raw(&self) -> Vec<u8> {
        self.shared.lock().raw.clone()
    }

    /// Waits until `cond` holds for the screen; panics with the screen after `timeout`.
    #[track_caller]
    pub fn wait_screen(&self, what: &str, timeout: Duration, cond: impl Fn(&vt100::Screen) -> bool) {
        let deadline = Instant::now() + timeout;
        let mut t = self.shared.lock();
        loop {
            if cond(t.parser.screen()) {
                return;
            }
            let now = Instant::now();
            if now >= deadline || t.eof {
                let why = if t.eof { "the program exited" } else { "timed out" };
                let screen = t.parser.screen().contents();
                drop(t);
                panic!("{why} waiting for {what} (after {timeout:?}); the screen:\n{screen}");
            }
            t = self.shared.changed.wait_timeout(t, deadline - now).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Waits until the screen text satisfies `cond`, then until the frame being drawn is
    /// complete (a short silence), and returns the screen.
    #[track_caller]
    pub fn wait_for(&self, what: &str, cond: impl Fn(&str) -> bool) -> String {
        self.wait_screen(what, TIMEOUT, |s| cond(&s.contents()));
        self.wait_idle(FRAME_QUIET);
        self.screen_text()
    }

    /// Waits until `text` is on the screen, and returns the screen.
    #[track_caller]
    pub fn wait_for_text(&self, text: &str) -> String {
        self.wait_for(&format!("{text:?}"), |s| s.contains(text))
    }

    /// Waits until the program has written nothing for `quiet` (its last frame is complete).
    #[track_caller]
    pub fn wait_idle(&self, quiet: Duration) {
        let deadline = Instant::now() + TIMEOUT;
        let mut t = self.shared.lock();
        loop {
            let now = Instant::now();
            let silent = now.duration_since(t.last_output);
            if silent >= quiet || t.eof {
                return;
            }
            if now >= deadline {
                drop(t);
                panic!("the program never went quiet for {quiet:?}");
            }
            t = self.shared.changed.wait_timeout(t, quiet - silent).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Resizes the terminal (the program gets SIGWINCH) and the screen model with it.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.shared.lock().parser.set_size(nz(rows), nz(cols));
        self.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("resize the pty");
    }

    /// The terminal's local modes (`c_lflag`: ICANON, ECHO, ...), as the program left them.
    #[cfg(unix)]
    pub fn local_modes(&self) -> libc::tcflag_t {
        let fd = self.master.as_raw_fd().expect("the pty has a file descriptor");
        // SAFETY: `termios` is plain data and `fd` is the open pty master owned by `self`.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::tcgetattr(fd, &mut t) };
        assert_eq!(r, 0, "tcgetattr: {}", std::io::Error::last_os_error());
        t.c_lflag
    }

    /// Waits for the program to exit (panics with the screen after `timeout`), then for the
    /// last of its output, and returns how it exited.
    #[track_caller]
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        if let Some(s) = &self.status {
            return s.clone();
        }
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("try_wait") {
                break s;
            }
            if Instant::now() >= deadline {
                panic!("the program did not exit within {timeout:?}; the screen:\n{}", self.screen_text());
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        // the reader ends at EOF, when the terminal's last writer has gone
        let eof_deadline = Instant::now() + Duration::from_secs(5);
        let mut t = self.shared.lock();
        while !t.eof && Instant::now() < eof_deadline {
            t = self.shared.changed.wait_timeout(t, Duration::from_millis(100)).unwrap_or_else(|e| e.into_inner()).0;
        }
        let eof = t.eof;
        drop(t);
        if eof && let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        self.status = Some(status.clone());
        status
    }

    /// Kills the program with SIGKILL (no chance to clean up), and reaps it.
    pub fn kill(&mut self) {
        if self.status.is_some() {
            return;
        }
        if let Some(pid) = self.child.process_id() {
            // SAFETY: kill(2) on our own child's pid; it has not been reaped yet.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
        }
        let status = self.child.wait().expect("reap the killed program");
        self.status = Some(status);
    }
}

impl Drop for PtyApp {
    fn drop(&mut self) {
        // a failed test must not leave the program running
        if self.status.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            self.kill();
        }
    }
}

/// `gridlog --data-dir DIR ARGS` (no terminal: the command line beside a TUI test) with `input`
/// on stdin and `GRIDLOG_NOW` set; must succeed; returns stdout.
pub fn cli(dir: &Path, args: &[&str], input: &str) -> String {
    let mut child = std::process::Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("GRIDLOG_NOW", TODAY)
        .env_remove("GRIDLOG_DATA_DIR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run gridlog");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("wait for gridlog");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    assert!(out.status.success(), "gridlog {args:?} failed:\n{}\n{}", text(&out.stdout), text(&out.stderr));
    text(&out.stdout)
}

/// `gridlog init` of a store at `dir`.
pub fn init(dir: &Path, role: &str, division: &str, place: &str, worker: &str) {
    let args = ["init", "--role", role, "--division", division, "--place", place, "--worker", worker];
    cli(dir, &args, "");
}
