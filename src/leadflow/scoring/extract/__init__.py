"""Rules that read qualification facts out of a lead's own words, English and Arabic."""
