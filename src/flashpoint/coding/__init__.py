"""Event coders: sentence parse + actor mentions -> Events."""
