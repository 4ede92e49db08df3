package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.cmpp.codec.Query;
import io.smsgw.cmpp.codec.QueryResp;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SP that lets its MO pile up (paged, on a busy gateway) and sends QUERYs back to back made the gateway walk its whole
 * queue, page files included, for every one: QUERY_RESP has no status to refuse with, and QUERY took no rate permit.
 * Now a walk's MO_WT counts answer every QUERY of the account (any day, any Service_Id) for a few seconds.
 */
class CmppQueryWalkCacheTest {

   private static final Duration TIMEOUT = Duration.ofSeconds(10);
   private static final String SP = "901234";
   private static final String TODAY = LocalDate.now().format(DateTimeFormatter.BASIC_ISO_DATE);

   @TempDir
   Path dir;

   @AfterEach
   void defaultAge() {
      WaitingMo.maxAge(WaitingMo.DEFAULT_MAX_AGE);
   }

   private static void sendMo(Connection jms, String kind, String serviceId) throws Exception {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.accountQueue(SP)))) {
         TextMessage message = session.createTextMessage("hello");
         message.setStringProperty("smsKind", kind);
         message.setStringProperty("smsSource", "13800138005");
         message.setStringProperty("smsDestination", "1065712345");
         message.setStringProperty("smsServiceId", serviceId);
         if (kind.equals("DR")) {
            message.setStringProperty("smsId", "0a1b2c3d4e5f6071");
            message.setStringProperty("smsStatus", "DELIVRD");
         }
         producer.send(message);
      }
   }

   /** A raw SP that keeps the DELIVERs it reads while it waits for a QUERY_RESP. */
   private static final class Sp {
      final RawCmppClient client;
      final Deque<Deliver> delivers = new ArrayDeque<>();

      Sp(RawCmppClient client) {
         this.client = client;
      }

      private CmppPdu next() throws Exception {
         for (;;) {
            CmppPdu pdu = client.read();
            if (pdu instanceof ActiveTest test) {
               client.send(test.response());
               continue;
            }
            return pdu;
         }
      }

      Deliver nextDeliver() throws Exception {
         return delivers.isEmpty() ? assertInstanceOf(Deliver.class, next()) : delivers.poll();
      }

      long moWaiting(int type, String code) throws Exception {
         int sequence = client.nextSequence();
         client.send(new Query(sequence, TODAY, type, code, ""));
         for (;;) {
            CmppPdu pdu = next();
            if (pdu instanceof Deliver deliver) {
               delivers.add(deliver);
               continue;
            }
            QueryResp resp = assertInstanceOf(QueryResp.class, pdu);
            assertEquals(sequence, resp.sequenceId());
            return resp.moWt();
         }
      }
   }

   @Test
   void queriesBackToBackWalkTheQueueOncePerIntervalAndCountRight() throws Exception {
      WaitingMo.maxAge(Duration.ofMinutes(5)); // longer than the test: what it counts is walks, not time
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppWindowSize=1").start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         sendMo(jms, "MO", "SVC1");
         sendMo(jms, "MO", "SVC1");
         sendMo(jms, "MO", "SVC2");
         sendMo(jms, "DR", "SVC1"); // a report is no MO
         try (RawCmppClient client = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect(SP, "secret", 0x30).status());
            Sp sp = new Sp(client);
            Deliver first = sp.nextDeliver(); // window 1: one in flight, unanswered; the rest wait on the queue
            long walksBefore = WaitingMo.walks();
            for (int i = 0; i < 25; i++) {
               assertEquals(3, sp.moWaiting(Query.TYPE_TOTAL, ""), "every MO not taken yet, in flight or waiting");
               assertEquals(2, sp.moWaiting(Query.TYPE_BY_SERVICE, "SVC1"));
               assertEquals(1, sp.moWaiting(Query.TYPE_BY_SERVICE, "SVC2"));
               assertEquals(0, sp.moWaiting(Query.TYPE_BY_SERVICE, "OTHER" + i), "a Service_Id with no MO");
            }
            assertEquals(1, WaitingMo.walks() - walksBefore, "100 QUERYs within the interval, one walk of the queue");

            client.send(new DeliverResp(first.sequenceId(), first.msgId(), CmppResult.OK));
            Wait.until("the first MO taken", TIMEOUT, () -> broker.messageCount(SmsAddresses.accountQueue(SP)) == 3);
            assertEquals(3, sp.moWaiting(Query.TYPE_TOTAL, ""), "within the interval: the walk's count");
            assertEquals(1, WaitingMo.walks() - walksBefore);

            WaitingMo.maxAge(Duration.ZERO); // the interval is over
            assertEquals(2, sp.moWaiting(Query.TYPE_TOTAL, ""), "a new walk: the MO taken is no longer counted");
            assertEquals(1, sp.moWaiting(Query.TYPE_BY_SERVICE, "SVC1"));
            assertEquals(3, WaitingMo.walks() - walksBefore, "one walk per QUERY once every interval is over");
         }
      }
   }
}
