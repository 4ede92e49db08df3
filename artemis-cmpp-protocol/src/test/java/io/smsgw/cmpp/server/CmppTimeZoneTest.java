package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.id.CmppMsgId;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cmppTimeZone: CMPP peers write Beijing time, and a gateway on a UTC host refused their CONNECTs with Status 3 (as a
 * wrong secret) and an INFO line. The JVM's zone is left alone: the configured zone is chosen to differ from it.
 */
class CmppTimeZoneTest {

   /** Beijing time, unless the JVM runs at +08:00 already: then a zone 10 hours from it. */
   private static final ZoneId PEER_ZONE = sameOffsetNow(ZoneId.of("Asia/Shanghai"), ZoneId.systemDefault())
      ? ZoneId.of("Pacific/Honolulu") : ZoneId.of("Asia/Shanghai");

   private static boolean sameOffsetNow(ZoneId a, ZoneId b) {
      Instant now = Instant.now();
      return a.getRules().getOffset(now).equals(b.getRules().getOffset(now));
   }

   /** A CONNECT of the test broker's SP written at the current time of {@code zone}. */
   private static Connect connectWrittenIn(ZoneId zone) {
      long timestamp = CmppTimestamp.of(LocalDateTime.now(zone));
      return new Connect(1, "901234", CmppAuthenticator.authenticatorSource("901234", "secret", timestamp), 0x30, timestamp);
   }

   private static ConnectResp answer(TestBroker broker, Connect connect, RawCmppClient client) throws Exception {
      client.send(connect);
      return assertInstanceOf(ConnectResp.class, client.read());
   }

   @Test
   void aConnectWrittenInTheConfiguredZoneIsAcceptedOnAJvmInAnotherZone(@TempDir Path dir) throws Exception {
      assertFalse(sameOffsetNow(PEER_ZONE, ZoneId.systemDefault()));
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppTimeZone=" + PEER_ZONE.getId()).start();
           RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_OK, answer(broker, connectWrittenIn(PEER_ZONE), client).status(),
                      "the peer's local time read in " + PEER_ZONE);
      }
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppTimeZone=" + PEER_ZONE.getId()).start();
           RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, answer(broker, connectWrittenIn(ZoneId.systemDefault()), client).status(),
                      "a CONNECT in the JVM's zone is now the one off by hours");
      }
   }

   @Test
   void aConnectFromAnotherZoneIsRefusedWithAWarningNamingTheParameter(@TempDir Path dir) throws Exception {
      try (LogCapture log = LogCapture.start();
           TestBroker broker = TestBroker.cmpp(dir, "").start();
           RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, answer(broker, connectWrittenIn(PEER_ZONE), client).status(),
                      "the JVM's zone by default: a CONNECT written in " + PEER_ZONE + " is hours off");
         Wait.until("the refusal is logged", java.time.Duration.ofSeconds(10), () -> log.count("CONNECT from", "901234") > 0);
         assertEquals(1, log.count("WARN", "901234", "time-zone mismatch", "cmppTimeZone", "cmppTimeZone=Asia/Shanghai"),
                      () -> log.lines("901234").toString());
         assertEquals(0, log.count("INFO", "901234", "over cmppConnectTimeSkew"), () -> log.lines("901234").toString());
      }
   }

   /** A clock 80 minutes off is a wrong clock, not another zone: the INFO line as before, no zone hint. */
   @Test
   void aSkewThatIsNoWholeNumberOfHoursIsNoZoneMismatch(@TempDir Path dir) throws Exception {
      long timestamp = CmppTimestamp.of(LocalDateTime.now().plusMinutes(80));
      Connect connect = new Connect(1, "901234", CmppAuthenticator.authenticatorSource("901234", "secret", timestamp), 0x30, timestamp);
      try (LogCapture log = LogCapture.start();
           TestBroker broker = TestBroker.cmpp(dir, "").start();
           RawCmppClient client = new RawCmppClient(broker.port())) {
         assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, answer(broker, connect, client).status());
         Wait.until("the refusal is logged", java.time.Duration.ofSeconds(10), () -> log.count("CONNECT from", "901234") > 0);
         assertEquals(1, log.count("INFO", "901234", "ahead of the gateway's clock, over cmppConnectTimeSkew"),
                      () -> log.lines("901234").toString());
         assertEquals(0, log.count("901234", "cmppTimeZone"), () -> log.lines("901234").toString());
      }
   }

   @Test
   void statusReportTimesAreWrittenInTheConfiguredZone(@TempDir Path dir) throws Exception {
      ZonedDateTime submitted = ZonedDateTime.of(2026, 3, 4, 5, 6, 0, 0, ZoneId.of("UTC"));
      ZonedDateTime done = submitted.plusMinutes(7);
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppTimeZone=" + PEER_ZONE.getId()).start();
           RawCmppClient client = new RawCmppClient(broker.port());
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         assertEquals(CmppResult.CONNECT_OK, answer(broker, connectWrittenIn(PEER_ZONE), client).status());
         client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "Report me", "13800138005"));
         SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
         try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
              MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.accountQueue("901234")))) {
            Message report = session.createTextMessage("");
            report.setStringProperty("smsKind", "DR");
            report.setStringProperty("smsId", CmppMsgId.toHex(resp.msgId()));
            report.setStringProperty("smsStatus", "DELIVRD");
            report.setStringProperty("smsSource", "13800138005");
            report.setStringProperty("smsDestination", "1065712345");
            report.setLongProperty("smsSubmitTime", submitted.toInstant().toEpochMilli());
            report.setLongProperty("smsDoneTime", done.toInstant().toEpochMilli());
            producer.send(report);
         }
         Deliver deliver = assertInstanceOf(Deliver.class, client.read());
         StatusReport content = StatusReport.parse(deliver.msgContent(), CmppVersion.V30).orElseThrow();
         assertEquals(CmppTimestamp.reportTime(submitted.withZoneSameInstant(PEER_ZONE).toLocalDateTime()), content.submitTime());
         assertEquals(CmppTimestamp.reportTime(done.withZoneSameInstant(PEER_ZONE).toLocalDateTime()), content.doneTime());
         assertNotEquals(CmppTimestamp.reportTime(done.withZoneSameInstant(ZoneId.systemDefault()).toLocalDateTime()), content.doneTime(),
                         "not the JVM's zone");
         client.send(new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
      }
   }

   @Test
   void aZoneIdThatNamesNoZoneStopsTheStartSayingWhatItTakes(@TempDir Path dir) throws Exception {
      try (LogCapture log = LogCapture.start();
           TestBroker broker = TestBroker.cmpp(dir, ";cmppTimeZone=Beijing").start()) {
         assertFalse(broker.server().isStarted(), "the broker does not start");
         assertNull(broker.server().getRemotingService().getAcceptor("cmpp"));
         assertEquals(1, log.count("The broker does not start", "cmppTimeZone=Beijing is no time zone", "Asia/Shanghai"),
                      () -> log.lines("cmppTimeZone").toString());
      }
   }
}
