"""Speech: the speech queue, synthesizer back-ends and audio output. Never imports vision."""
