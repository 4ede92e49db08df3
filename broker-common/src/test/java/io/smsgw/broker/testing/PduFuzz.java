package io.smsgw.broker.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;

import io.netty.buffer.ByteBufUtil;

/**
 * Seeded mutation fuzzing of a length-framed protocol (SMPP, CMPP) over a real socket: valid PDUs are broken the ways
 * peers in the wild break them (flipped and set bytes, truncation, trailing bytes, a length that lies either way, another
 * command id, C-strings without their NUL, over-long fields, TLV lengths that overrun the frame), and each case is sent
 * and then followed by a probe (enquire_link, ACTIVE_TEST) that must still be answered, unless the peer closed.
 * <p>
 * Everything a case does follows from its case seed, so a failure names the seed and the bytes sent; the bytes of a
 * valid PDU that carries a clock (a CMPP CONNECT) differ between runs, the hex in the message is what was sent.
 * <p>
 * To know what the peer's frame decoder made of the bytes, {@link #plan} replays them through the same rule the
 * gateway's {@code PduFrameDecoder} follows (a 4-byte length counting itself, within [header, maximum]): a case whose
 * length claims more than was sent gets zero bytes to complete that frame, so the probe is a frame of its own and a
 * silent peer is told from a peer still waiting for bytes it was promised.
 */
public final class PduFuzz {

   private static final HexFormat HEX = HexFormat.of();
   /** The bytes Artemis reads before it hands a new connection to a protocol. */
   private static final int ARTEMIS_PROTOCOL_DETECTION = 8;

   /** The protocol's framing: header length, where the sequence number sits, the peer's largest frame. */
   public record Framing(int headerLength, int sequenceOffset, int maxPduSize) {
   }

   /** A valid PDU to start from; {@code tlvOffset} is where its TLVs start (-1: none). */
   public record Seed(String name, byte[] bytes, int tlvOffset) {
      public Seed(String name, byte[] bytes) {
         this(name, bytes, -1);
      }
   }

   /** One case: the bytes sent and how they were made. */
   public record Mutant(String seedName, long caseSeed, byte[] bytes, String ops) {
      /** Enough to reproduce the case: the seed, what was done, the bytes sent. */
      public String describe() {
         return "case seed " + caseSeed + " (" + seedName + " by " + ops + "), " + bytes.length + " bytes sent: " + HEX.formatHex(bytes);
      }
   }

   /**
    * What the peer's frame decoder makes of a case's bytes: the frames it cuts (with the zero bytes of the filler),
    * whether a length out of range makes it close, and how many zero bytes complete the last frame.
    */
   public record Plan(List<byte[]> frames, boolean closes, int filler) {
   }

   /** What came back for one case: every frame, whether the peer closed, whether the deadline passed first. */
   public record Outcome(Plan plan, List<byte[]> received, boolean closed, boolean timedOut, List<Integer> unanswered) {
      public String describe() {
         StringBuilder text = new StringBuilder("closed=" + closed + " timedOut=" + timedOut + " planned frames="
                                                + plan.frames().size() + " closes=" + plan.closes() + " filler=" + plan.filler()
                                                + " unanswered sequences=" + unanswered + "; received:");
         for (byte[] frame : received) {
            text.append(' ').append(HEX.formatHex(frame));
         }
         return text.toString();
      }
   }

   private final Framing framing;
   private final int[] commandIds;

   /** @param commandIds the protocol's command ids, which a mutation may put in place of the PDU's own */
   public PduFuzz(Framing framing, int... commandIds) {
      this.framing = framing;
      this.commandIds = commandIds.clone();
   }

   /** The seed of case {@code index} of a run with {@code runSeed}. */
   public static long caseSeed(long runSeed, int index) {
      return runSeed * 1_000_003L + index;
   }

   public static String hex(byte[] bytes) {
      return HEX.formatHex(bytes);
   }

   public static int commandId(byte[] frame) {
      return frame.length >= 8 ? ByteBuffer.wrap(frame, 4, 4).getInt() : 0;
   }

   public int sequence(byte[] frame) {
      int at = framing.sequenceOffset();
      return frame.length >= at + 4 ? ByteBuffer.wrap(frame, at, 4).getInt() : 0;
   }

   // ---------------------------------------------------------------- mutation

   /** One to three mutations of {@code seed}, all drawn from {@code caseSeed}. */
   public Mutant mutate(Seed seed, long caseSeed) {
      Random random = new Random(caseSeed);
      byte[] bytes = seed.bytes().clone();
      List<String> ops = new ArrayList<>();
      boolean lengthTouched = false;
      int count = 1 + random.nextInt(3);
      for (int i = 0; i < count; i++) {
         int op = random.nextInt(10);
         switch (op) {
            case 0 -> {
               int at = random.nextInt(bytes.length);
               int bit = random.nextInt(8);
               bytes[at] ^= (byte) (1 << bit);
               ops.add("flip bit " + bit + " at " + at);
               lengthTouched |= at < 4;
            }
            case 1 -> {
               int at = random.nextInt(bytes.length);
               int[] values = {0x00, 0xFF, 0x7F, 0x80, 0x01, random.nextInt(256)};
               bytes[at] = (byte) values[random.nextInt(values.length)];
               ops.add("set byte " + at + " to " + (bytes[at] & 0xFF));
               lengthTouched |= at < 4;
            }
            case 2 -> {
               int keep = 4 + random.nextInt(Math.max(1, bytes.length - 4));
               bytes = Arrays.copyOf(bytes, keep);
               ops.add("truncate to " + keep);
               lengthTouched = true;
            }
            case 3 -> {
               int extra = 1 + random.nextInt(64);
               byte[] tail = new byte[extra];
               random.nextBytes(tail);
               bytes = concat(bytes, tail);
               ops.add("append " + extra + " random bytes");
               lengthTouched = true;
            }
            case 4 -> {
               int actual = bytes.length;
               long[] lies = {actual + 1 + random.nextInt(8), actual - 1 - random.nextInt(8), actual + random.nextInt(300),
                  0, framing.headerLength() - 1, framing.headerLength(), framing.maxPduSize(), framing.maxPduSize() + 1L,
                  0xFFFFFFFFL, 0x7FFFFFFFL};
               long lie = lies[random.nextInt(lies.length)];
               setLength(bytes, lie);
               ops.add("command length " + lie + " for " + actual);
               lengthTouched = true;
            }
            case 5 -> {
               int id = switch (random.nextInt(3)) {
                  case 0 -> commandIds[random.nextInt(commandIds.length)];
                  case 1 -> commandIds[random.nextInt(commandIds.length)] ^ 0x80000000;
                  default -> random.nextInt();
               };
               if (bytes.length >= 8) {
                  ByteBuffer.wrap(bytes).putInt(4, id);
               }
               ops.add("command id " + Integer.toHexString(id));
            }
            case 6 -> {
               int nul = randomNul(bytes, random);
               if (nul >= 0) {
                  bytes[nul] = 'A';
                  ops.add("no NUL at " + nul);
               } else {
                  ops.add("no NUL to remove");
               }
            }
            case 7 -> {
               int nul = randomNul(bytes, random);
               int at = nul >= 0 ? nul : framing.headerLength() + random.nextInt(Math.max(1, bytes.length - framing.headerLength()));
               at = Math.min(at, bytes.length);
               int extra = 1 + random.nextInt(300);
               byte[] run = new byte[extra];
               Arrays.fill(run, (byte) 'A');
               bytes = concat(Arrays.copyOf(bytes, at), run, Arrays.copyOfRange(bytes, at, bytes.length));
               ops.add("insert " + extra + " 'A' at " + at);
            }
            case 8 -> {
               int tlv = seed.tlvOffset();
               if (tlv >= 0 && tlv + 4 <= bytes.length) {
                  int remaining = bytes.length - tlv - 4;
                  int[] lengths = {remaining + 1, remaining + 1 + random.nextInt(1000), 0xFFFF, 0};
                  int length = lengths[random.nextInt(lengths.length)] & 0xFFFF;
                  ByteBuffer.wrap(bytes).putShort(tlv + 2, (short) length);
                  ops.add("TLV length " + length + " at " + (tlv + 2));
               } else {
                  int at = framing.headerLength() + random.nextInt(Math.max(1, bytes.length - framing.headerLength() - 1));
                  if (at + 2 <= bytes.length) {
                     bytes[at] = (byte) 0xFF;
                     bytes[at + 1] = (byte) 0xFF;
                  }
                  ops.add("0xFFFF at " + at);
               }
            }
            default -> {
               // A tail that looks like a TLV whose length runs past the end of the frame.
               byte[] tlv = {0x02, 0x04, (byte) random.nextInt(256), (byte) random.nextInt(256), 0x00};
               bytes = concat(bytes, tlv);
               ops.add("append TLV 0204 of length " + (((tlv[2] & 0xFF) << 8) | (tlv[3] & 0xFF)));
            }
         }
      }
      if (!lengthTouched && random.nextInt(5) > 0) {
         setLength(bytes, bytes.length); // mostly a consistent length, so the body's fields are what is tested
         ops.add("length fixed");
      }
      return new Mutant(seed.name(), caseSeed, bytes, String.join(", ", ops));
   }

   private int randomNul(byte[] bytes, Random random) {
      List<Integer> nuls = new ArrayList<>();
      for (int i = framing.headerLength(); i < bytes.length; i++) {
         if (bytes[i] == 0) {
            nuls.add(i);
         }
      }
      return nuls.isEmpty() ? -1 : nuls.get(random.nextInt(nuls.size()));
   }

   private static void setLength(byte[] bytes, long length) {
      ByteBuffer.wrap(bytes).putInt(0, (int) length);
   }

   public static byte[] concat(byte[]... parts) {
      int total = 0;
      for (byte[] part : parts) {
         total += part.length;
      }
      ByteBuffer out = ByteBuffer.allocate(total);
      for (byte[] part : parts) {
         out.put(part);
      }
      return out.array();
   }

   // ---------------------------------------------------------------- framing model

   /** What a frame decoder that takes lengths in [header, max] makes of {@code sent} followed by zero bytes. */
   public Plan plan(byte[] sent) {
      List<byte[]> frames = new ArrayList<>();
      int at = 0;
      while (true) {
         int remaining = sent.length - at;
         if (remaining == 0) {
            return new Plan(frames, false, 0);
         }
         byte[] header = Arrays.copyOfRange(sent, at, at + 4); // zero-padded past the end
         long length = ByteBuffer.wrap(header).getInt() & 0xFFFFFFFFL;
         if (length < framing.headerLength() || length > framing.maxPduSize()) {
            // the decoder closes once it has the 4 bytes of the length
            return new Plan(frames, true, Math.max(0, 4 - remaining));
         }
         if (remaining < length) {
            frames.add(Arrays.copyOfRange(sent, at, at + (int) length));
            return new Plan(frames, false, (int) length - remaining);
         }
         frames.add(Arrays.copyOfRange(sent, at, at + (int) length));
         at += (int) length;
      }
   }

   // ---------------------------------------------------------------- one exchange

   /**
    * Sends {@code bytes}, the zero filler the {@link #plan} asks for and then {@code probe} (unless the plan says the
    * peer closes), and reads until the peer closed, or it answered the probe and every request among the planned frames
    * (by sequence number), or the deadline passed.
    *
    * @param noAnswer command ids of requests that have no response (alert_notification, outbind)
    */
   public Outcome exchange(RawFrameSocket socket, byte[] bytes, byte[] probe, Duration deadline, IntPredicate noAnswer) {
      return exchange(socket, bytes, false, probe, deadline, noAnswer);
   }

   /**
    * As {@link #exchange(RawFrameSocket, byte[], byte[], Duration, IntPredicate)}; with {@code firstOnConnection} the
    * bytes are the first the connection carries. Artemis picks an acceptor's protocol from the first 8 bytes and until
    * then holds the connection (its handshake-timeout, 10 s, closes it), so such a case is filled up to 8 bytes.
    */
   public Outcome exchange(RawFrameSocket socket, byte[] bytes, boolean firstOnConnection, byte[] probe, Duration deadline,
                           IntPredicate noAnswer) {
      Plan plan = plan(bytes);
      if (firstOnConnection && plan.closes() && bytes.length + plan.filler() < ARTEMIS_PROTOCOL_DETECTION) {
         plan = new Plan(plan.frames(), true, ARTEMIS_PROTOCOL_DETECTION - bytes.length);
      }
      List<Integer> expected = new ArrayList<>();
      for (byte[] frame : plan.frames()) {
         int id = commandId(frame);
         if ((id & 0x80000000) == 0 && !noAnswer.test(id)) {
            expected.add(sequence(frame));
         }
      }
      int probeSequence = sequence(probe);
      boolean probeAnswered = plan.closes();
      List<byte[]> received = new ArrayList<>();
      try {
         socket.sendBytes(bytes);
         socket.sendBytes(new byte[plan.filler()]);
         if (!plan.closes()) {
            socket.sendBytes(probe);
         }
      } catch (IOException e) {
         return new Outcome(plan, received, true, false, expected); // closed while we wrote
      }
      long end = System.nanoTime() + deadline.toNanos();
      while (true) {
         if (!plan.closes() && probeAnswered && expected.isEmpty()) {
            return new Outcome(plan, received, false, false, expected);
         }
         long left = (end - System.nanoTime()) / 1_000_000;
         if (left <= 0) {
            return new Outcome(plan, received, false, true, expected);
         }
         byte[] frame;
         try {
            frame = socket.read((int) left, ByteBufUtil::getBytes);
         } catch (IOException e) {
            return new Outcome(plan, received, true, false, expected); // end of stream or reset
         }
         if (frame == null) {
            continue;
         }
         received.add(frame);
         if ((commandId(frame) & 0x80000000) != 0) {
            int sequence = sequence(frame);
            if (!plan.closes() && sequence == probeSequence && commandId(frame) == (commandId(probe) | 0x80000000)) {
               probeAnswered = true;
            } else {
               expected.remove(Integer.valueOf(sequence));
            }
         }
      }
   }

   // ---------------------------------------------------------------- the log

   /**
    * Nothing at ERROR, no stack trace, and no exception named in any line but a socket's own (a client that closes while
    * the gateway writes): a mutated PDU is refused with an answer, never with an exception caught somewhere.
    */
   public static void assertCleanLog(LogCapture log) {
      List<String> bad = new ArrayList<>();
      for (String line : log.lines()) {
         boolean exception = line.matches(".*\\b[\\w.$]*(Exception|Error)\\b.*")
            && !line.contains("java.io.IOException") && !line.contains("java.net.SocketException");
         if (line.contains("ERROR") || line.startsWith("\tat ") || exception) {
            bad.add(line);
         }
      }
      org.junit.jupiter.api.Assertions.assertTrue(bad.isEmpty(), () -> "unexpected log lines:\n" + String.join("\n", bad));
   }
}
