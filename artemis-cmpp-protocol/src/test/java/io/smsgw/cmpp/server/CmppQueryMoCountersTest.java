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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CMPP QUERY's MO counters as the spec means them: MO_WT the SP's MO of the day still waiting on its queue (those sent
 * and not answered included), of the Service_Id asked for with Query_Type 1; MO_Scs and MO_FL once per MO when it is
 * finally taken or dead-lettered. Before, MO_WT was the DELIVERs this connection had unanswered (whatever their
 * Service_Id, none of the backlog), and MO_Scs / MO_FL counted every DELIVER part and every refused attempt.
 */
class CmppQueryMoCountersTest {

   private static final Duration TIMEOUT = Duration.ofSeconds(10);
   private static final String SP = "901234";
   private static final String TODAY = LocalDate.now().format(DateTimeFormatter.BASIC_ISO_DATE);

   @TempDir
   Path dir;

   /** A raw SP that keeps the DELIVERs it reads while it waits for a QUERY_RESP. */
   private static final class Sp {
      final RawCmppClient client;
      final Deque<Deliver> delivers = new ArrayDeque<>();

      Sp(RawCmppClient client) {
         this.client = client;
      }

      private CmppPdu readAnsweringActiveTests() throws Exception {
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
         return delivers.isEmpty() ? assertInstanceOf(Deliver.class, readAnsweringActiveTests()) : delivers.poll();
      }

      void answer(Deliver deliver, int result) throws Exception {
         client.send(new DeliverResp(deliver.sequenceId(), deliver.msgId(), result));
      }

      QueryResp query(int type, String code) throws Exception {
         int sequence = client.nextSequence();
         client.send(new Query(sequence, TODAY, type, code, ""));
         for (;;) {
            CmppPdu pdu = readAnsweringActiveTests();
            if (pdu instanceof Deliver deliver) {
               delivers.add(deliver);
               continue;
            }
            QueryResp resp = assertInstanceOf(QueryResp.class, pdu);
            assertEquals(sequence, resp.sequenceId());
            return resp;
         }
      }
   }

   private static void send(Connection jms, String text, String kind, String serviceId) throws Exception {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.accountQueue(SP)))) {
         TextMessage message = session.createTextMessage(text);
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

   @Test
   void moWaitingIsTheSpsBacklogOfTheDayByServiceId() throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppWindowSize=1").start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         send(jms, "one", "MO", "SVC1");
         send(jms, "two", "MO", "SVC1");
         send(jms, "three", "MO", "SVC2");
         send(jms, "", "DR", "SVC1"); // a report is no MO
         try (RawCmppClient client = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect(SP, "secret", 0x30).status());
            Sp sp = new Sp(client);
            Deliver first = sp.nextDeliver(); // window 1: one in flight, unanswered; the rest wait on the queue
            assertEquals(3, sp.query(Query.TYPE_TOTAL, "").moWt(), "every MO not taken yet, in flight or waiting");
            assertEquals(2, sp.query(Query.TYPE_BY_SERVICE, "SVC1").moWt());
            assertEquals(1, sp.query(Query.TYPE_BY_SERVICE, "SVC2").moWt());
            assertEquals(0, sp.query(Query.TYPE_BY_SERVICE, "OTHER").moWt());
            sp.answer(first, CmppResult.OK);
            Wait.until("the first MO taken", TIMEOUT, () -> {
               try {
                  return sp.query(Query.TYPE_TOTAL, "").moWt() == 2;
               } catch (Exception e) {
                  return false;
               }
            });
         }
      }
   }

   @Test
   void anMoCountsOnceInMoScsOrMoFlWhenItIsFinallySettled() throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir, "").configure(cfg -> {
         TestBroker.withDeadLetterQueue(cfg);
         cfg.getAddressSettings().get("sms.#").setMaxDeliveryAttempts(2);
      }).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_OK, client.connect(SP, "secret", 0x30).status());
         Sp sp = new Sp(client);

         // A long MO: two DELIVERs, both taken: one MO delivered.
         send(jms, "long ".repeat(50), "MO", "SVC1");
         sp.answer(sp.nextDeliver(), CmppResult.OK);
         sp.answer(sp.nextDeliver(), CmppResult.OK);
         // Refused once (Result 9), taken the second time: one MO delivered, none failed.
         send(jms, "later", "MO", "SVC1");
         sp.answer(sp.nextDeliver(), 9);
         sp.answer(sp.nextDeliver(), CmppResult.OK);
         Wait.until("both taken", TIMEOUT, () -> broker.messageCount(SmsAddresses.accountQueue(SP)) == 0);
         QueryResp counts = sp.query(Query.TYPE_BY_SERVICE, "SVC1");
         assertEquals(2, counts.moScs(), "two MO taken, whatever their parts");
         assertEquals(0, counts.moFl(), "a refused attempt that came again and was taken is no failure");

         // Refused at both attempts: dead-lettered, one MO failed.
         send(jms, "never", "MO", "SVC2");
         sp.answer(sp.nextDeliver(), 9);
         sp.answer(sp.nextDeliver(), 9);
         Wait.until("dead-lettered", TIMEOUT, () -> broker.messageCount(TestBroker.DEAD_LETTERS) == 1);
         QueryResp totals = sp.query(Query.TYPE_TOTAL, "");
         assertEquals(2, totals.moScs());
         assertEquals(1, totals.moFl(), "the MO failed once, at its last attempt");
         assertEquals(0, totals.moWt());
      }
   }
}
