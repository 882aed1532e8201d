"""Renderings of an investigation Report: text (Rich), json (versioned schema), markdown, html."""
