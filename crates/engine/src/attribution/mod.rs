//! Multi-touch attribution (issue 5). Being built.
