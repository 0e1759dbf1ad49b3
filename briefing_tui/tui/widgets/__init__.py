"""Widgets of the briefing browser (UI only; the core never imports these)."""
