package io.smsgw.bench.load;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Relative weights of the {@link MessageKind}s, e.g. {@code gsm7=80,ucs2=10,long3=10}: out of every
 * 100 messages, 80 are short GSM, 10 UCS2 and 10 three-part long ones. Weights count messages, not
 * submits (a long message is three submits).
 */
public record MessageMix(Map<MessageKind, Integer> weights) {

    /** Short GSM 7-bit messages only. */
    public static final MessageMix GSM7_ONLY = new MessageMix(Map.of(MessageKind.GSM7, 1));

    public MessageMix {
        EnumMap<MessageKind, Integer> copy = new EnumMap<>(MessageKind.class);
        int total = 0;
        for (Map.Entry<MessageKind, Integer> entry : weights.entrySet()) {
            if (entry.getValue() < 0) {
                throw new IllegalArgumentException("negative weight for " + entry.getKey());
            }
            if (entry.getValue() > 0) {
                copy.put(entry.getKey(), entry.getValue());
                total += entry.getValue();
            }
        }
        if (total == 0) {
            throw new IllegalArgumentException("a mix needs at least one positive weight");
        }
        weights = Map.copyOf(copy);
    }

    /** Parses {@code kind=weight,...} with kinds gsm7, ucs2, long3 (case-insensitive). */
    public static MessageMix parse(String spec) {
        Map<MessageKind, Integer> weights = new EnumMap<>(MessageKind.class);
        for (String part : spec.split(",")) {
            String[] pair = part.trim().split("=");
            if (pair.length != 2) {
                throw new IllegalArgumentException("mix entries look like gsm7=80, got '" + part + "'");
            }
            MessageKind kind = MessageKind.valueOf(pair[0].trim().toUpperCase(Locale.ROOT));
            weights.merge(kind, Integer.parseInt(pair[1].trim()), Integer::sum);
        }
        return new MessageMix(weights);
    }

    /** A fresh, deterministic sequence of kinds following the weights as evenly as possible. */
    public Cursor cursor() {
        return new Cursor(this);
    }

    /** Smooth weighted round robin: each kind comes up in proportion to its weight, interleaved. */
    public static final class Cursor {
        private final MessageKind[] kinds;
        private final int[] weights;
        private final int[] current;
        private final int total;

        private Cursor(MessageMix mix) {
            kinds = mix.weights.keySet().stream().sorted().toArray(MessageKind[]::new);
            weights = new int[kinds.length];
            current = new int[kinds.length];
            int sum = 0;
            for (int i = 0; i < kinds.length; i++) {
                weights[i] = mix.weights.get(kinds[i]);
                sum += weights[i];
            }
            total = sum;
        }

        public MessageKind next() {
            int best = 0;
            for (int i = 0; i < kinds.length; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            return kinds[best];
        }
    }

    /** The spec form, e.g. {@code gsm7=80,ucs2=10}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        weights.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(entry.getKey().name().toLowerCase(Locale.ROOT)).append('=').append(entry.getValue());
        });
        return out.toString();
    }
}
