package io.smsgw.bench.load.core;

import io.smsgw.bench.load.MessageKind;
import io.smsgw.bench.load.MessageMix;
import io.smsgw.core.concat.ConcatReference;
import io.smsgw.core.concat.Segment;
import io.smsgw.core.concat.SmsSplitter;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.text.SmsText;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientSession;

/**
 * The CORE baseline's messages: for each submit the SMPP acceptor would turn into a broker message, the
 * same message built by a CORE client — text body and the same {@code sms*} properties with values of
 * the same length — so both paths store the same bytes. Single-threaded.
 */
final class CoreMessageSource {

    private static final SimpleString KIND_MT = SmsKind.MT.propertyValue();
    private static final SimpleString ACCOUNT = SimpleString.of("bench");
    /** Same length as "SMPP" and "3.4", so the stored size matches. */
    private static final SimpleString PROTOCOL = SimpleString.of("CORE");
    private static final SimpleString VERSION = SimpleString.of("1.0");
    private static final SimpleString SOURCE = SimpleString.of("8610086");
    private static final SimpleString DESTINATION = SimpleString.of("8613800138000");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** One stored message per segment: its text and UDH (null for single-segment kinds). */
    private record Part(SimpleString text, byte[] udh, int total, int number, int dataCoding, int esmClass) {
    }

    private static final Map<MessageKind, Part[]> PARTS = prepare();

    private final MessageMix.Cursor cursor;
    private final int registeredDelivery;
    private final long idBase;
    private long sequence;
    private Part[] current;
    private int index;
    private int reference;

    CoreMessageSource(MessageMix mix, boolean receipts, int connectionIndex) {
        this.cursor = mix.cursor();
        this.registeredDelivery = receipts ? 1 : 0;
        this.idBase = (long) connectionIndex << 40;
    }

    ClientMessage next(ClientSession session) {
        if (current == null || index == current.length) {
            current = PARTS.get(cursor.next());
            index = 0;
            reference = (reference + 1) & 0xFF;
        }
        Part part = current[index++];
        long now = System.currentTimeMillis();
        ClientMessage m = session.createMessage(Message.TEXT_TYPE, true, 0, now, (byte) 4);
        m.putStringProperty(SmsProperties.ID, SimpleString.of(hex16(idBase + sequence++)));
        m.putStringProperty(SmsProperties.KIND, KIND_MT);
        m.putStringProperty(SmsProperties.ACCOUNT, ACCOUNT);
        m.putStringProperty(SmsProperties.PROTOCOL, PROTOCOL);
        m.putStringProperty(SmsProperties.PROTOCOL_VERSION, VERSION);
        m.putStringProperty(SmsProperties.SOURCE, SOURCE);
        m.putByteProperty(SmsProperties.SOURCE_TON, (byte) 1);
        m.putByteProperty(SmsProperties.SOURCE_NPI, (byte) 1);
        m.putStringProperty(SmsProperties.DESTINATION, DESTINATION);
        m.putByteProperty(SmsProperties.DESTINATION_TON, (byte) 1);
        m.putByteProperty(SmsProperties.DESTINATION_NPI, (byte) 1);
        m.putIntProperty(SmsProperties.DATA_CODING, part.dataCoding());
        m.putIntProperty(SmsProperties.ESM_CLASS, part.esmClass());
        m.putIntProperty(SmsProperties.PROTOCOL_ID, 0);
        m.putIntProperty(SmsProperties.PRIORITY, 0);
        m.putIntProperty(SmsProperties.REGISTERED_DELIVERY, registeredDelivery);
        m.putLongProperty(SmsProperties.SUBMIT_TIME, now);
        if (part.udh() != null) {
            m.putBytesProperty(SmsProperties.UDH, part.udh());
            m.putIntProperty(SmsProperties.SEGMENT_REF, reference);
            m.putIntProperty(SmsProperties.SEGMENT_TOTAL, part.total());
            m.putIntProperty(SmsProperties.SEGMENT_NUMBER, part.number());
        }
        m.getBodyBuffer().writeNullableSimpleString(part.text());
        return m;
    }

    private static String hex16(long value) {
        char[] out = new char[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
        return new String(out);
    }

    private static Map<MessageKind, Part[]> prepare() {
        Map<MessageKind, Part[]> parts = new EnumMap<>(MessageKind.class);
        for (MessageKind kind : MessageKind.values()) {
            int dataCoding = kind.encoding().smppDataCoding();
            if (kind.segments() == 1) {
                parts.put(kind, new Part[] {new Part(SimpleString.of(kind.text()), null, 1, 1, dataCoding, 0)});
                continue;
            }
            List<Segment> segments = SmsSplitter.split(kind.text(), kind.encoding(), ConcatReference.eightBit(0));
            Part[] out = new Part[segments.size()];
            for (int i = 0; i < out.length; i++) {
                Segment s = segments.get(i);
                out[i] = new Part(SimpleString.of(SmsText.decode(s.payload(), kind.encoding())), s.header(),
                        s.total(), s.number(), dataCoding, 0x40);
            }
            parts.put(kind, out);
        }
        return parts;
    }
}
