//! Colours, or none: `NO_COLOR` and `--theme mono` give a monochrome theme that uses only bold,
//! underline and reverse video.

use ratatui::style::{Color, Modifier, Style};

/// The styles every screen uses.
#[derive(Clone, Copy, Debug)]
pub struct Theme {
    mono: bool,
}

impl Theme {
    /// Colour unless `mono`.
    pub fn new(mono: bool) -> Theme {
        Theme { mono }
    }
    /// Picks colour or mono from the flag and `NO_COLOR`.
    pub fn detect(flag: Option<&str>) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme::new(no_color || flag == Some("mono"))
    }
    /// Whether this is the monochrome theme.
    pub fn is_mono(&self) -> bool {
        self.mono
    }
    fn fg(&self, c: Color) -> Style {
        if self.mono { Style::default() } else { Style::default().fg(c) }
    }
    /// Ordinary text.
    pub fn text(&self) -> Style {
        Style::default()
    }
    /// Labels and secondary text.
    pub fn dim(&self) -> Style {
        if self.mono { Style::default() } else { Style::default().fg(Color::DarkGray) }
    }
    /// Titles.
    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    /// The selected row.
    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
    /// The active tab.
    pub fn tab_active(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    /// Overdue or refused.
    pub fn alert(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    /// Due soon / warnings.
    pub fn warn(&self) -> Style {
        if self.mono { Style::default().add_modifier(Modifier::BOLD) } else { Style::default().fg(Color::Yellow) }
    }
    /// Done / success.
    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }
    /// Keys in the footer.
    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    /// The focused form field.
    pub fn focus(&self) -> Style {
        if self.mono { Style::default().add_modifier(Modifier::UNDERLINED) } else { Style::default().fg(Color::Yellow) }
    }
    /// Bars of charts.
    pub fn bar(&self) -> Style {
        self.fg(Color::Blue)
    }
}
