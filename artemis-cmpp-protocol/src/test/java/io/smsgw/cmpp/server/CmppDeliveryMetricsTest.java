package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smsgw.broker.AcceptorMeters;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.id.CmppMsgId;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.config.MetricsConfiguration;
import org.apache.activemq.artemis.core.server.metrics.plugins.SimpleMetricsPlugin;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees of the deliveries to an SP (a raw CMPP 3.0 client): a report and an MO sent and acknowledged,
 * one refused with Result 8 (throttled) and one with Result 1 (invalid), one unanswered until the response timeout,
 * each sent again, and what waits on the SP's queue, as meters and in the counts the routing bean shows.
 */
class CmppDeliveryMetricsTest {

   private static final Duration TIMEOUT = Duration.ofSeconds(10);
   private static final String SP = "901234";

   @TempDir
   Path dir;

   private static double counter(MeterRegistry registry, String name, String... tags) {
      FunctionCounter counter = registry.find("sms.gateway." + name).tags("broker", "test-broker", "protocol", "CMPP", "account", SP)
         .tags(tags).functionCounter();
      assertNotNull(counter, name + " " + String.join(",", tags));
      return counter.count();
   }

   private static Gauge gauge(MeterRegistry registry, String name) {
      Gauge gauge = registry.find("sms.gateway." + name).tags("broker", "test-broker", "account", SP).gauge();
      assertNotNull(gauge, name);
      return gauge;
   }

   private static void send(Connection jms, String text, String... properties) throws JMSException {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.accountQueue(SP)))) {
         TextMessage message = session.createTextMessage(text);
         for (int i = 0; i < properties.length; i += 2) {
            message.setStringProperty(properties[i], properties[i + 1]);
         }
         producer.send(message);
      }
   }

   private static void sendMo(Connection jms, String text) throws JMSException {
      send(jms, text, "smsKind", "MO", "smsSource", "13800138005", "smsDestination", "1065712345");
   }

   /** The next DELIVER, answering the gateway's ACTIVE_TESTs on the way. */
   private static Deliver nextDeliver(RawCmppClient client) throws Exception {
      for (;;) {
         CmppPdu pdu = client.read();
         if (pdu instanceof ActiveTest test) {
            client.send(test.response());
            continue;
         }
         return assertInstanceOf(Deliver.class, pdu);
      }
   }

   private static String text(Deliver deliver) {
      return new String(deliver.msgContent(), StandardCharsets.US_ASCII);
   }

   private static void answer(RawCmppClient client, Deliver deliver, int result) throws Exception {
      client.send(new DeliverResp(deliver.sequenceId(), deliver.msgId(), result));
   }

   @Test
   void deliveriesToAnSpAreCountedByKindAndByHowTheyEndedAndTheWaitingCountFollowsTheQueue() throws Exception {
      SimpleMetricsPlugin plugin = (SimpleMetricsPlugin) new SimpleMetricsPlugin().init(Map.of());
      MeterRegistry registry = plugin.getRegistry();
      String queue = SmsAddresses.accountQueue(SP);
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppResponseTimeout=500")
              .configure(cfg -> cfg.setMetricsConfiguration(new MetricsConfiguration().setPlugin(plugin))).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         try (RawCmppClient client = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect(SP, "secret", 0x30).status());

            // A report on the SP's MT and an MO, acknowledged.
            client.send(RawCmppClient.ascii(client.nextSequence(), SP, "Report me", "13800138005"));
            SubmitResp submitted = assertInstanceOf(SubmitResp.class, client.read());
            send(jms, "", "smsKind", "DR", "smsId", CmppMsgId.toHex(submitted.msgId()), "smsStatus", "DELIVRD",
                 "smsSource", "13800138005", "smsDestination", "1065712345", "smsServiceId", "TEST");
            Deliver report = nextDeliver(client);
            assertEquals(Deliver.STATUS_REPORT, report.registeredDelivery());
            answer(client, report, CmppResult.OK);
            sendMo(jms, "hello");
            Deliver mo = nextDeliver(client);
            assertEquals("hello", text(mo));
            answer(client, mo, CmppResult.OK);
            Wait.until("both acknowledged", TIMEOUT, () -> broker.messageCount(queue) == 0);
            assertEquals(1.0, counter(registry, "account.deliveries", "kind", "report"));
            assertEquals(1.0, counter(registry, "account.deliveries", "kind", "mo"));
            assertEquals(2.0, counter(registry, "account.deliveries.settled", "outcome", "ok"));

            // Refused as flow control (Result 8), then as a structure error (Result 1), then acknowledged.
            sendMo(jms, "refused");
            answer(client, nextDeliver(client), CmppResult.FLOW_CONTROL_ERROR);
            answer(client, nextDeliver(client), CmppResult.STRUCTURE_ERROR);
            Deliver third = nextDeliver(client);
            assertEquals("refused", text(third), "sent again after each refusal");
            answer(client, third, CmppResult.OK);
            Wait.until("the third attempt acknowledged", TIMEOUT, () -> broker.messageCount(queue) == 0);
            assertEquals(1.0, counter(registry, "account.deliveries.settled", "outcome", "throttled"));
            assertEquals(1.0, counter(registry, "account.deliveries.settled", "outcome", "invalid"));
            assertEquals(2.0, counter(registry, "account.deliveries.redelivered", "kind", "mo"));

            // Not answered: on the queue and in flight until the response timeout, then sent again.
            sendMo(jms, "silent");
            Deliver unanswered = nextDeliver(client);
            assertEquals(1.0, gauge(registry, "account.deliveries.waiting").value(), "the unanswered MO is still on the queue");
            assertEquals(1.0, gauge(registry, "account.deliveries.in.flight").value());
            Deliver again = nextDeliver(client);
            assertEquals(text(unanswered), text(again), "sent again after the response timeout");
            assertEquals(unanswered.msgId(), again.msgId(), "under the same Msg_Id");
            assertEquals(1.0, counter(registry, "account.deliveries.settled", "outcome", "timed-out"));
            answer(client, again, CmppResult.OK);
            Wait.until("the second attempt acknowledged", TIMEOUT, () -> broker.messageCount(queue) == 0);
            assertEquals(3.0, counter(registry, "account.deliveries.redelivered", "kind", "mo"));
            assertEquals(6.0, counter(registry, "account.deliveries", "kind", "mo"), "hello, refused three times, silent twice");
            assertEquals(4.0, counter(registry, "account.deliveries.settled", "outcome", "ok"));
            assertEquals(0.0, counter(registry, "account.deliveries.settled", "outcome", "rejected"));
            assertEquals(0.0, gauge(registry, "account.deliveries.waiting").value());

            long[] bean = AcceptorMeters.deliveries(broker.server(), SP);
            assertEquals(6, bean[AcceptorMeters.MO_SENT]);
            assertEquals(1, bean[AcceptorMeters.REPORTS_SENT]);
            assertEquals(3, bean[AcceptorMeters.REDELIVERED]);
            assertEquals(4, bean[AcceptorMeters.OK]);
            assertEquals(1, bean[AcceptorMeters.THROTTLED]);
            assertEquals(1, bean[AcceptorMeters.INVALID]);
            assertEquals(1, bean[AcceptorMeters.TIMED_OUT]);
         }
         // With the SP gone, what is sent to it waits on its queue, and the gauge shows it.
         Wait.until("disconnected", TIMEOUT, () -> !broker.hasSessionOf(SP));
         sendMo(jms, "later 1");
         sendMo(jms, "later 2");
         Wait.until("two waiting", TIMEOUT, () -> gauge(registry, "account.deliveries.waiting").value() == 2.0);
         assertEquals(0.0, gauge(registry, "account.deliveries.in.flight").value());
         assertEquals(2, AcceptorMeters.deliveries(broker.server(), SP)[AcceptorMeters.WAITING]);
      }
   }

   @Test
   void aVetoedDeliverCountsNowhereAndComesAgainAndOneFailedAtTheLastAttemptCountsDeadLettered() throws Exception {
      SimpleMetricsPlugin plugin = (SimpleMetricsPlugin) new SimpleMetricsPlugin().init(Map.of());
      MeterRegistry registry = plugin.getRegistry();
      String queue = SmsAddresses.accountQueue(SP);
      java.util.concurrent.atomic.AtomicInteger vetoes = new java.util.concurrent.atomic.AtomicInteger();
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppResponseTimeout=500").configure(cfg -> {
         cfg.setMetricsConfiguration(new MetricsConfiguration().setPlugin(plugin));
         TestBroker.withDeadLetterQueue(cfg);
         cfg.getAddressSettings().get("sms.#").setMaxDeliveryAttempts(2);
      }).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         // Vetoes the first DELIVER of "vetoed" only.
         broker.server().getRemotingService().addOutgoingInterceptor((CmppInterceptor) (pdu, connection) ->
            !(pdu instanceof Deliver deliver && text(deliver).equals("vetoed") && vetoes.incrementAndGet() == 1));
         try (RawCmppClient client = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect(SP, "secret", 0x30).status());
            sendMo(jms, "vetoed");
            Deliver delivered = nextDeliver(client);
            assertEquals("vetoed", text(delivered), "put back at the response timeout and handed over again, not lost");
            answer(client, delivered, CmppResult.OK);
            Wait.until("acknowledged", TIMEOUT, () -> broker.messageCount(queue) == 0);
            assertEquals(2, vetoes.get());
            assertEquals(1.0, counter(registry, "account.deliveries", "kind", "mo"), "only the DELIVER written counts as sent");
            assertEquals(0.0, counter(registry, "account.deliveries.settled", "outcome", "timed-out"),
                         "the SP never had the vetoed one to answer");
            assertEquals(0.0, counter(registry, "account.deliveries.dead-lettered", "reason", "attempts"));

            // Refused (Result 9, "other") at both attempts: the second was the last, so the broker dead-letters it. (Flow
            // control, Result 8, does not use up attempts: CmppThrottledDeliveriesTest.)
            sendMo(jms, "refused");
            answer(client, nextDeliver(client), 9);
            answer(client, nextDeliver(client), 9);
            Wait.until("dead-lettered", TIMEOUT, () -> broker.messageCount(TestBroker.DEAD_LETTERS) == 1);
            Wait.until("both refusals counted", TIMEOUT,
                       () -> counter(registry, "account.deliveries.settled", "outcome", "other") == 2.0);
            assertEquals(1.0, counter(registry, "account.deliveries.dead-lettered", "reason", "attempts"));
            assertEquals(0.0, counter(registry, "account.deliveries.dead-lettered", "reason", "refused"),
                         "CMPP names no refusal for good");
            assertEquals(1, AcceptorMeters.deliveries(broker.server(), SP)[AcceptorMeters.DEAD_LETTERED_ATTEMPTS]);
         }
      }
   }
}
