package dev.remediationstate.recovery;

/**
 * One thing {@code recover} found wrong. {@code check} is one of {@code json}, {@code schema},
 * {@code task-id}, {@code iteration}, {@code status}, {@code feedback}, {@code timestamps}, {@code
 * labels}, {@code invariant}, {@code history} (the live history key), {@code backup}, {@code
 * journal}. {@code blocksActions}: every other action refuses the state (exit 3) until it is
 * repaired; the others are drift that the next write of any action also corrects.
 */
public record Problem(String check, String detail, boolean blocksActions) {}
