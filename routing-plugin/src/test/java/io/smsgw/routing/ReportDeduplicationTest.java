package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.DefaultEventLoop;
import io.smsgw.broker.DurableSender;
import io.smsgw.broker.LinkTransport;
import io.smsgw.broker.SmsRemotingConnection;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsMessageBuilder;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.receipt.DeliveryState;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerSession;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.core.contract.ReportKeys;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A final report reaches its SP once and is billed once however often its DR is sent to {@code sms.dr}: by the
 * duplicate id the gateway's links give it, checked once on {@code sms.dr} for both copies (decision 36) whether
 * the divert or the gateway's own sender routes the DR (decision 40), or,
 * for a DR sent without one, by the ids the routing gives each copy.
 */
class ReportDeduplicationTest {

   private static final String ACCOUNT = "app1";
   private static final String DUPLICATE_ID = "_AMQ_DUPL_ID";

   @TempDir
   Path dir;

   @BeforeEach
   void writeConfig() throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { app1 { password = "unused", protocols = [SMPP] } }
         """);
      System.setProperty("smsgw.config", file.toString());
   }

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private static TextMessage report(Session session, String smsId, String status, Integer segment) throws Exception {
      TextMessage dr = session.createTextMessage("");
      dr.setStringProperty("smsKind", "DR");
      dr.setStringProperty("smsId", smsId);
      dr.setStringProperty("smsAccount", ACCOUNT);
      dr.setStringProperty("smsSource", "8613800138000");
      dr.setStringProperty("smsDestination", "10086");
      dr.setStringProperty("smsStatus", status);
      if (segment != null) {
         dr.setIntProperty("smsSegmentRef", 7);
         dr.setIntProperty("smsSegmentTotal", 2);
         dr.setIntProperty("smsSegmentNumber", segment);
      }
      return dr;
   }

   /** A broker with the routing plugin, and over JMS: a producer to sms.dr, the SP's queue and a billing subscription. */
   private record Gateway(TestBroker broker, Connection jms, Session session, MessageProducer dr, MessageConsumer sp,
                          MessageConsumer billing) implements AutoCloseable {

      static Gateway start(Path dir) throws Exception {
         TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
         Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
         jms.setClientID("billing");
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer billing = session.createDurableSubscriber(session.createTopic(SmsAddresses.BILLING), "cdr");
         MessageConsumer sp = session.createConsumer(session.createQueue(SmsAddresses.accountQueue(ACCOUNT)));
         MessageProducer dr = session.createProducer(session.createQueue(SmsAddresses.DR));
         return new Gateway(broker, jms, session, dr, sp, billing);
      }

      @Override
      public void close() throws Exception {
         try {
            jms.close();
         } finally {
            broker.close();
         }
      }
   }

   @Test
   void aReportSentAgainWithTheLinksDuplicateIdReachesTheSpOnceAndIsBilledOnce() throws Exception {
      try (Gateway gw = Gateway.start(dir)) {
         Session session = gw.session();
         MessageConsumer billing = gw.billing();
         MessageConsumer sp = gw.sp();
         MessageProducer producer = gw.dr();

         for (int i = 0; i < 3; i++) {
            TextMessage dr = report(session, "00000000000000a1", "DELIVRD", null);
            dr.setStringProperty(DUPLICATE_ID, ReportKeys.reportDuplicateId("00000000000000a1", "8613800138000", null));
            producer.send(dr);
         }
         // The other segment of a long message is a final state of its own.
         TextMessage segment2 = report(session, "00000000000000a2", "UNDELIV", 2);
         segment2.setStringProperty(DUPLICATE_ID, ReportKeys.reportDuplicateId("00000000000000a2", "8613800138000", 2));
         producer.send(segment2);

         Message first = sp.receive(10_000);
         assertNotNull(first, "the report reached the SP");
         assertEquals("00000000000000a1", first.getStringProperty("smsId"));
         assertFalse(first.propertyExists(DUPLICATE_ID), "checked on sms.dr, the copy needs no id of its own");
         Message second = sp.receive(10_000);
         assertNotNull(second, "the segment's report reached the SP");
         assertEquals("00000000000000a2", second.getStringProperty("smsId"));
         assertNull(sp.receive(300), "the DR sent three times made one report");

         Message record = billing.receive(10_000);
         assertNotNull(record, "billing record");
         assertEquals("00000000000000a1", record.getStringProperty("smsId"));
         assertFalse(record.propertyExists(DUPLICATE_ID));
         Message segmentRecord = billing.receive(10_000);
         assertNotNull(segmentRecord, "the segment's billing record");
         assertEquals(2, segmentRecord.getIntProperty("smsSegmentNumber"));
         assertNull(billing.receive(300), "the DR sent three times was billed once");
      }
   }

   @Test
   void aReportSentAgainWithoutADuplicateIdIsStillDeduplicatedPerCopy() throws Exception {
      try (Gateway gw = Gateway.start(dir)) {
         Session session = gw.session();
         MessageConsumer billing = gw.billing();
         MessageConsumer sp = gw.sp();
         MessageProducer producer = gw.dr();

         producer.send(report(session, "00000000000000b1", "DELIVRD", null));
         producer.send(report(session, "00000000000000b1", "DELIVRD", null));

         Message first = sp.receive(10_000);
         assertNotNull(first, "the report reached the SP");
         assertEquals(ReportKeys.reportDuplicateId("00000000000000b1", "8613800138000", null), first.getStringProperty(DUPLICATE_ID));
         assertNull(sp.receive(300), "an application's DR sent twice made one report");
         assertNotNull(billing.receive(10_000), "billing record");
         assertNull(billing.receive(300), "and one billing record");
      }
   }

   @Test
   void anIntermediateStateDoesNotHoldBackTheFinalReport() throws Exception {
      try (Gateway gw = Gateway.start(dir)) {
         Session session = gw.session();
         MessageConsumer sp = gw.sp();
         MessageProducer producer = gw.dr();

         producer.send(report(session, "00000000000000c1", "ENROUTE", null));
         TextMessage done = report(session, "00000000000000c1", "DELIVRD", null);
         done.setStringProperty(DUPLICATE_ID, ReportKeys.reportDuplicateId("00000000000000c1", "8613800138000", null));
         producer.send(done);

         Message report = sp.receive(10_000);
         assertNotNull(report, "the final report reached the SP");
         assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
         assertNull(sp.receive(300), "intermediate states are counted, not forwarded");
      }
   }
   /** A DR as an SMSC link builds it: the link's duplicate id on a final state. */
   private static CoreMessage linkReport(long brokerId, String smsId, String status) {
      SmsMessageBuilder b = SmsMessageBuilder.create(brokerId, SimpleString.of(SmsAddresses.DR), SmsKind.DR)
         .id(smsId)
         .string(SmsProperties.ACCOUNT, ACCOUNT)
         .string(SmsProperties.SOURCE, "8613800138000")
         .string(SmsProperties.DESTINATION, "10086")
         .string(SmsProperties.STATUS, status);
      if (DeliveryState.fromStat(status).isFinal()) {
         b.duplicateId(ReportKeys.reportDuplicateId(smsId, "8613800138000", null));
      }
      return b.text("").build();
   }

   /** Sends as the gateway's own links do (decision 40) and waits until the send is durable. */
   private static DurableSender.Result sendAsLink(DurableSender sender, CoreMessage message) throws Exception {
      CompletableFuture<Void> durable = new CompletableFuture<>();
      DurableSender.Result result = sender.send(List.of(message), new IOCallback() {
         @Override
         public void done() {
            durable.complete(null);
         }

         @Override
         public void onError(int errorCode, String errorMessage) {
            durable.completeExceptionally(new IllegalStateException(errorMessage));
         }
      });
      if (result == DurableSender.Result.ACCEPTED) {
         durable.get(10, TimeUnit.SECONDS);
      }
      return result;
   }

   @Test
   void aReportTheGatewayRoutesItselfIsCheckedInTheSameCacheAsOneTheDivertRoutes() throws Exception {
      DefaultEventLoop loop = new DefaultEventLoop();
      try (Gateway gw = Gateway.start(dir)) {
         ActiveMQServer server = gw.broker().server();
         OperationContext context = server.newOperationContext();
         ServerSession session = server.createInternalSession("test-link", ActiveMQClient.DEFAULT_MIN_LARGE_MESSAGE_SIZE,
            new SmsRemotingConnection(new LinkTransport("test-link", loop), "TEST"), true, true, false, false, null, null,
            true, context, null, null, false);
         DurableSender sender = DurableSender.forInternalSession(server, session, context);
         MessageConsumer billing = gw.billing();
         MessageConsumer sp = gw.sp();
         long ids = 1_000_000;

         // Routed by the gateway: the report and its billing record, without the id sms.dr checked them by
         assertEquals(DurableSender.Result.ACCEPTED, sendAsLink(sender, linkReport(ids++, "00000000000000d1", "DELIVRD")));
         Message report = sp.receive(10_000);
         assertNotNull(report, "the report reached the SP");
         assertEquals("00000000000000d1", report.getStringProperty("smsId"));
         assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
         assertFalse(report.propertyExists(DUPLICATE_ID));
         Message record = billing.receive(10_000);
         assertNotNull(record, "the billing record");
         assertEquals("00000000000000d1", record.getStringProperty("smsId"));
         assertEquals(ACCOUNT, record.getStringProperty("smsAccount"));
         assertTrue(record.propertyExists("smsBillable"));
         assertTrue(record.propertyExists("smsRecordTime"));
         assertFalse(record.propertyExists(DUPLICATE_ID));

         // Again by the gateway, and then by an application through the divert: neither makes a second report
         assertEquals(DurableSender.Result.ACCEPTED, sendAsLink(sender, linkReport(ids++, "00000000000000d1", "DELIVRD")),
                      "a duplicate counts as accepted: the first one is stored");
         TextMessage viaDivert = report(gw.session(), "00000000000000d1", "DELIVRD", null);
         viaDivert.setStringProperty(DUPLICATE_ID, ReportKeys.reportDuplicateId("00000000000000d1", "8613800138000", null));
         gw.dr().send(viaDivert);
         // The other way round: first through the divert, then by the gateway
         TextMessage first = report(gw.session(), "00000000000000d2", "UNDELIV", null);
         first.setStringProperty(DUPLICATE_ID, ReportKeys.reportDuplicateId("00000000000000d2", "8613800138000", null));
         gw.dr().send(first);
         assertEquals(DurableSender.Result.ACCEPTED, sendAsLink(sender, linkReport(ids++, "00000000000000d2", "UNDELIV")));

         Message d2 = sp.receive(10_000);
         assertNotNull(d2, "the second MT's report");
         assertEquals("00000000000000d2", d2.getStringProperty("smsId"));
         assertNull(sp.receive(300), "each final state reached the SP once, whichever way it was routed");
         assertNotNull(billing.receive(10_000), "the second MT's billing record");
         assertNull(billing.receive(300), "and each was billed once");

         // An intermediate state: counted, nothing stored, and the send still succeeds
         assertEquals(DurableSender.Result.ACCEPTED, sendAsLink(sender, linkReport(ids, "00000000000000d3", "ENROUTE")));
         assertNull(sp.receive(300));
         session.close(false);
      } finally {
         loop.shutdownGracefully();
      }
   }
}
