//! A leaner crossterm backend for slow SSH links: ratatui's own backend moves the cursor
//! explicitly after every wide (CJK) character, because it assumes each printed cell advances
//! the cursor by one column. This one tracks the real display width, so a row of Chinese text
//! is printed in one run, and it resets colours at the end of a frame only when it changed them.

use std::io::{self, Write};

use crossterm::cursor::MoveTo;
use crossterm::queue;
use crossterm::style::{Attribute as CAttr, Color as CColor, Colors, Print, SetAttribute, SetColors};
use ratatui::backend::{Backend, ClearType, CrosstermBackend, IntoCrossterm, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// [`CrosstermBackend`] with width-aware cursor tracking in `draw`.
pub struct LeanBackend<W: Write> {
    inner: CrosstermBackend<W>,
}

impl<W: Write> LeanBackend<W> {
    /// Wraps a writer.
    pub fn new(writer: W) -> LeanBackend<W> {
        LeanBackend { inner: CrosstermBackend::new(writer) }
    }
}

fn queue_modifier_diff(w: &mut impl Write, from: Modifier, to: Modifier) -> io::Result<()> {
    let removed = from - to;
    if removed.contains(Modifier::REVERSED) {
        queue!(w, SetAttribute(CAttr::NoReverse))?;
    }
    if removed.contains(Modifier::BOLD) || removed.contains(Modifier::DIM) {
        queue!(w, SetAttribute(CAttr::NormalIntensity))?;
        if to.contains(Modifier::DIM) {
            queue!(w, SetAttribute(CAttr::Dim))?;
        }
        if to.contains(Modifier::BOLD) {
            queue!(w, SetAttribute(CAttr::Bold))?;
        }
    }
    if removed.contains(Modifier::ITALIC) {
        queue!(w, SetAttribute(CAttr::NoItalic))?;
    }
    if removed.contains(Modifier::UNDERLINED) {
        queue!(w, SetAttribute(CAttr::NoUnderline))?;
    }
    if removed.contains(Modifier::CROSSED_OUT) {
        queue!(w, SetAttribute(CAttr::NotCrossedOut))?;
    }
    if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        queue!(w, SetAttribute(CAttr::NoBlink))?;
    }
    let added = to - from;
    for (m, a) in [
        (Modifier::REVERSED, CAttr::Reverse),
        (Modifier::BOLD, CAttr::Bold),
        (Modifier::ITALIC, CAttr::Italic),
        (Modifier::UNDERLINED, CAttr::Underlined),
        (Modifier::DIM, CAttr::Dim),
        (Modifier::CROSSED_OUT, CAttr::CrossedOut),
        (Modifier::SLOW_BLINK, CAttr::SlowBlink),
        (Modifier::RAPID_BLINK, CAttr::RapidBlink),
    ] {
        if added.contains(m) {
            queue!(w, SetAttribute(a))?;
        }
    }
    Ok(())
}

impl<W: Write> Backend for LeanBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        // the inner backend writes through to its writer
        let w = &mut self.inner;
        let (mut fg, mut bg, mut modifier) = (Color::Reset, Color::Reset, Modifier::empty());
        let mut styled = false;
        // where the terminal's cursor is after the last printed symbol
        let mut cursor: Option<(u16, u16)> = None;
        for (x, y, cell) in content {
            if cursor != Some((x, y)) {
                queue!(w, MoveTo(x, y))?;
            }
            if cell.modifier != modifier {
                queue_modifier_diff(w, modifier, cell.modifier)?;
                modifier = cell.modifier;
                styled = true;
            }
            if cell.fg != fg || cell.bg != bg {
                queue!(w, SetColors(Colors::new(cell.fg.into_crossterm(), cell.bg.into_crossterm())))?;
                fg = cell.fg;
                bg = cell.bg;
                styled = true;
            }
            let symbol = cell.symbol();
            queue!(w, Print(symbol))?;
            let advance = UnicodeWidthStr::width(symbol).max(1) as u16;
            cursor = Some((x.saturating_add(advance), y));
        }
        if styled || fg != Color::Reset || bg != Color::Reset || !modifier.is_empty() {
            queue!(w, SetColors(Colors::new(CColor::Reset, CColor::Reset)), SetAttribute(CAttr::Reset))?;
        }
        Ok(())
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;

    #[derive(Clone, Default)]
    struct Sink(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn drawn(lines: &[&str]) -> Vec<u8> {
        let buf = Buffer::with_lines(lines.iter().copied());
        let sink = Sink::default();
        let mut b = LeanBackend::new(sink.clone());
        let empty = Buffer::empty(buf.area);
        let diff = empty.diff(&buf);
        b.draw(diff.into_iter()).unwrap();
        Backend::flush(&mut b).unwrap();
        sink.0.borrow().clone()
    }

    #[test]
    fn a_row_of_chinese_is_printed_without_cursor_moves_between_characters() {
        let out = String::from_utf8(drawn(&["网格台账走访诉求"])).unwrap();
        assert_eq!(out.matches('H').count(), 1, "one MoveTo for the whole row: {out:?}");
        assert!(out.contains("网格台账走访诉求"));
    }

    #[test]
    fn unstyled_frames_end_without_a_reset() {
        let out = String::from_utf8(drawn(&["abc"])).unwrap();
        assert!(!out.contains("\x1b[0m"), "{out:?}");
    }
}
