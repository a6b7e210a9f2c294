package io.imagebuilder.pipeline;

import java.time.Duration;

/** How long one step took. */
public record StepTiming(String stage, String step, Duration took) {}
