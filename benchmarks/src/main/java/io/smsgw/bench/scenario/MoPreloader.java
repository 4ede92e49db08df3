package io.smsgw.bench.scenario;

import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsProperties;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;

/**
 * Scenario 4's backlog: sends N durable MO messages to sms.mo over CORE, as an SMSC link would write them,
 * for the routing plugin to put on the serving account's queue. Each MO comes from its own handset number
 * ({@link #origin}), so the receiving SP can tell every message apart and count duplicates.
 *
 * <p>The account queue is created first (as the SP's first bind would): a message routed to an address without
 * a queue would be dropped.
 */
public final class MoPreloader {

    /** The handset numbers: this prefix and nine digits of the message index. */
    static final String ORIGIN_PREFIX = "8613";
    private static final int MAX_UNCONFIRMED = 1_000;
    private static final int CONFIRMATION_WINDOW_BYTES = 16 * 1024 * 1024;
    /** A typical MO: 60 ASCII characters (one DELIVER, Msg_Fmt 0 / data_coding 0). */
    private static final String TEXT = "TD 0123456789 please unsubscribe me from the daily news alert";

    private MoPreloader() {
    }

    /** The handset number of MO number {@code index}. */
    public static String origin(long index) {
        return ORIGIN_PREFIX + String.format(Locale.ROOT, "%09d", index);
    }

    /** The index of an MO from its handset number, or -1 when it is not one of the preloader's. */
    public static long index(String origin) {
        if (origin == null || origin.length() != ORIGIN_PREFIX.length() + 9 || !origin.startsWith(ORIGIN_PREFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(origin, ORIGIN_PREFIX.length(), origin.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Sends {@code count} MOs for {@code account} (served by {@code serviceNumber}) and returns when the broker
     * has confirmed every one (after its journal write).
     *
     * @return seconds taken
     */
    public static double load(int corePort, String account, String serviceNumber, int count) throws Exception {
        try (ServerLocator locator = ActiveMQClient.createServerLocator("tcp://127.0.0.1:" + corePort)) {
            locator.setConfirmationWindowSize(CONFIRMATION_WINDOW_BYTES);
            locator.setBlockOnDurableSend(false);
            try (ClientSessionFactory factory = locator.createSessionFactory();
                 ClientSession session = factory.createSession(false, true, true)) {
                SimpleString queue = SimpleString.of(SmsAddresses.accountQueue(account));
                if (!session.queueQuery(queue).isExists()) {
                    session.createQueue(QueueConfiguration.of(queue).setAddress(queue).setRoutingType(RoutingType.ANYCAST)
                            .setDurable(true));
                }
                Semaphore unconfirmed = new Semaphore(MAX_UNCONFIRMED);
                session.setSendAcknowledgementHandler(message -> unconfirmed.release());
                long start = System.nanoTime();
                try (ClientProducer producer = session.createProducer(SmsAddresses.MO)) {
                    SimpleString kind = SmsKind.MO.propertyValue();
                    SimpleString destination = SimpleString.of(serviceNumber);
                    SimpleString protocol = SimpleString.of("SMPP");
                    SimpleString link = SimpleString.of("bench");
                    for (int i = 0; i < count; i++) {
                        unconfirmed.acquire();
                        long now = System.currentTimeMillis();
                        ClientMessage m = session.createMessage(Message.TEXT_TYPE, true, 0, now, (byte) 4);
                        m.putStringProperty(SmsProperties.KIND, kind);
                        m.putStringProperty(SmsProperties.ID, SimpleString.of(String.format(Locale.ROOT, "%016x", i)));
                        m.putStringProperty(SmsProperties.PROTOCOL, protocol);
                        m.putStringProperty(SmsProperties.SOURCE, SimpleString.of(origin(i)));
                        m.putByteProperty(SmsProperties.SOURCE_TON, (byte) 1);
                        m.putByteProperty(SmsProperties.SOURCE_NPI, (byte) 1);
                        m.putStringProperty(SmsProperties.DESTINATION, destination);
                        m.putByteProperty(SmsProperties.DESTINATION_TON, (byte) 0);
                        m.putByteProperty(SmsProperties.DESTINATION_NPI, (byte) 1);
                        m.putIntProperty(SmsProperties.DATA_CODING, 0);
                        m.putIntProperty(SmsProperties.ESM_CLASS, 0);
                        m.putIntProperty(SmsProperties.PROTOCOL_ID, 0);
                        m.putLongProperty(SmsProperties.SUBMIT_TIME, now);
                        m.putStringProperty(SmsProperties.LINK, link);
                        m.getBodyBuffer().writeNullableSimpleString(SimpleString.of(TEXT));
                        producer.send(m);
                    }
                }
                if (!unconfirmed.tryAcquire(MAX_UNCONFIRMED, 5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the broker did not confirm every MO within 5 minutes");
                }
                return (System.nanoTime() - start) / 1e9;
            }
        }
    }

    /** {@code MoPreloader CORE_PORT ACCOUNT SERVICE_NUMBER COUNT}: loads and prints the rate. */
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: MoPreloader CORE_PORT ACCOUNT SERVICE_NUMBER COUNT");
            System.exit(2);
        }
        int count = Integer.parseInt(args[3]);
        double seconds = load(Integer.parseInt(args[0]), args[1], args[2], count);
        System.out.printf(Locale.ROOT, "preloaded %,d MO for %s via sms.mo in %.1f s (%,.0f/s)%n", count, args[1], seconds,
                count / seconds);
    }
}
