package io.smsgw.bench.load;

/**
 * The requests of one connection awaiting their response: sequence number and send time, in a ring
 * indexed by sequence number, so tracking allocates nothing. At most {@code window} are outstanding;
 * a sequence number whose ring slot is still taken by a much older request waits (the ring is four
 * windows long, so that only happens when a response is very late). Single-threaded (event loop).
 */
public final class SendWindow {

    /** Returned by {@link #release} for a sequence number that is not outstanding. */
    public static final long UNKNOWN = Long.MIN_VALUE;

    private final int window;
    private final int mask;
    private final int[] sequences;
    private final long[] sentAt;
    private int outstanding;
    private int nextSequence = 1;

    public SendWindow(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1");
        }
        this.window = window;
        int size = Integer.highestOneBit(Math.max(window * 4 - 1, 1)) << 1;
        this.mask = size - 1;
        this.sequences = new int[size];
        this.sentAt = new long[size];
    }

    /** Whether another request may go out now. */
    public boolean hasRoom() {
        return outstanding < window && sequences[nextSequence & mask] == 0;
    }

    /** Takes the next sequence number (1..2^31-1, wrapping) for a request sent at {@code nanos}; call only after {@link #hasRoom()}. */
    public int acquire(long nanos) {
        int sequence = nextSequence;
        nextSequence = sequence == Integer.MAX_VALUE ? 1 : sequence + 1;
        int slot = sequence & mask;
        sequences[slot] = sequence;
        sentAt[slot] = nanos;
        outstanding++;
        return sequence;
    }

    /** Frees the slot of {@code sequence}; returns its send time, or {@link #UNKNOWN}. */
    public long release(int sequence) {
        int slot = sequence & mask;
        if (sequence == 0 || sequences[slot] != sequence) {
            return UNKNOWN;
        }
        sequences[slot] = 0;
        outstanding--;
        return sentAt[slot];
    }

    /** Gives up on every request sent before {@code deadlineNanos}; returns how many. */
    public int expire(long deadlineNanos) {
        int expired = 0;
        for (int slot = 0; slot < sequences.length; slot++) {
            if (sequences[slot] != 0 && sentAt[slot] - deadlineNanos < 0) {
                sequences[slot] = 0;
                outstanding--;
                expired++;
            }
        }
        return expired;
    }

    public int outstanding() {
        return outstanding;
    }
}
