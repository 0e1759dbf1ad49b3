"""The terminal UI (Textual): the app, its process runner, screens, widgets and styles. Only this package imports Textual."""
