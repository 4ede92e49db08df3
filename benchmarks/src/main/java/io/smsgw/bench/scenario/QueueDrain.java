package io.smsgw.bench.scenario;

import java.util.concurrent.atomic.LongAdder;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;

/**
 * A CORE consumer that acknowledges every message on one queue as it arrives (acknowledgements batched, not
 * blocking), standing in for the application that would read it: routing on sms.mt, a billing system on
 * its subscription of sms.billing.
 */
final class QueueDrain implements AutoCloseable {

    private final ServerLocator locator;
    private final ClientSessionFactory factory;
    private final ClientSession session;
    private final LongAdder count = new LongAdder();

    private QueueDrain(int corePort, String queue) throws Exception {
        locator = ActiveMQClient.createServerLocator("tcp://127.0.0.1:" + corePort);
        locator.setBlockOnAcknowledge(false);
        factory = locator.createSessionFactory();
        session = factory.createSession(false, true, true);
        ClientConsumer consumer = session.createConsumer(queue);
        consumer.setMessageHandler(message -> {
            try {
                message.acknowledge();
                count.increment();
            } catch (ActiveMQException e) {
                throw new IllegalStateException("drain of " + queue + " could not acknowledge", e);
            }
        });
        session.start();
    }

    static QueueDrain start(int corePort, String queue) throws Exception {
        return new QueueDrain(corePort, queue);
    }

    long count() {
        return count.sum();
    }

    @Override
    public void close() throws Exception {
        try {
            session.close();
        } finally {
            factory.close();
            locator.close();
        }
    }
}
