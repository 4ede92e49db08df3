package io.smsgw.simulator;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound receiver and transceiver sessions per system_id, so receipts and MO messages find an ESME
 * session that may receive them. Arrays are replaced on change (binds are rare), so lookups on the hot
 * path read one reference and never lock.
 */
final class SessionRegistry {

    private static final SimulatorSession[] NONE = new SimulatorSession[0];

    private final ConcurrentHashMap<String, SimulatorSession[]> receivers = new ConcurrentHashMap<>();
    private final AtomicInteger roundRobin = new AtomicInteger();

    void add(String systemId, SimulatorSession session) {
        receivers.merge(systemId, new SimulatorSession[] {session}, (current, added) -> {
            SimulatorSession[] grown = Arrays.copyOf(current, current.length + 1);
            grown[current.length] = session;
            return grown;
        });
    }

    void remove(String systemId, SimulatorSession session) {
        receivers.computeIfPresent(systemId, (id, current) -> {
            SimulatorSession[] kept = Arrays.stream(current).filter(s -> s != session).toArray(SimulatorSession[]::new);
            return kept.length == 0 ? null : kept;
        });
    }

    /**
     * {@code preferred} if it is a bound receiver (the transceiver that submitted), else one of the
     * system_id's receivers in turn, or {@code null} when none is bound.
     */
    SimulatorSession pick(String systemId, SimulatorSession preferred) {
        if (preferred != null && preferred.canReceive()) {
            return preferred;
        }
        SimulatorSession[] candidates = receivers.getOrDefault(systemId, NONE);
        if (candidates.length == 0) {
            return null;
        }
        return candidates[Math.floorMod(roundRobin.getAndIncrement(), candidates.length)];
    }

    /** One of the system_id's receivers that can receive now (a hint from another thread), or {@code null}. */
    SimulatorSession pickReceiving(String systemId) {
        for (SimulatorSession candidate : receivers.getOrDefault(systemId, NONE)) {
            if (candidate.canReceive()) {
                return candidate;
            }
        }
        return null;
    }
}
