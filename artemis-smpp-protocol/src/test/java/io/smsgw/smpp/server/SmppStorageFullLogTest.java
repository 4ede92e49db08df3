package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.StorageOverload;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSmResp;
import org.apache.activemq.artemis.core.server.files.FileStoreMonitor;
import org.apache.activemq.artemis.core.server.impl.ActiveMQServerImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage-full log of each broker: a WARN when its storage starts refusing submits, the refusals that follow
 * counted in a WARN when the interval is up (the broker writes it, whether or not another refusal comes), and an INFO
 * line once the store takes submits again. Before, the count of the refusals after a WARN waited for the next refusal
 * after the minute, however late, and every broker in the JVM shared one count and one minute. The interval is
 * shortened for the test (a minute in production).
 */
class SmppStorageFullLogTest {

   private static final Duration DEADLINE = Duration.ofSeconds(30);

   @TempDir
   Path dirA;
   @TempDir
   Path dirB;

   @AfterEach
   void restoreInterval() {
      StorageOverload.logInterval(Duration.ofMinutes(1));
   }

   private static TestBroker broker(Path dir, String name) throws Exception {
      return TestBroker.smpp(dir, "").configure(cfg -> {
         cfg.setName(name);
         cfg.setMaxDiskUsage(100); // a disk monitor the test sets over its limit and back
      }).start();
   }

   private static FileStoreMonitor monitor(TestBroker broker) {
      return ((ActiveMQServerImpl) broker.server()).getMonitor();
   }

   private static RawSmppClient bound(TestBroker broker) throws Exception {
      RawSmppClient client = new RawSmppClient(broker.port());
      client.send(new BindRequest(1, BindType.TRANSCEIVER, "smppclient1", "password", "", 0x34, 0, 0, ""));
      assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
      return client;
   }

   private static io.smsgw.smpp.codec.SubmitSm submit(int sequence) {
      return ShortMessagePdu.builder().sequenceNumber(sequence)
         .sourceAddr(new Address((byte) 1, (byte) 1, "8610086"))
         .destinationAddr(new Address((byte) 1, (byte) 1, "8613800138000"))
         .shortMessage("while full".getBytes(StandardCharsets.US_ASCII)).buildSubmitSm();
   }

   /** One submit, answered ESME_RMSGQFUL: the connection then stops reading until the disk frees. */
   private static void refused(RawSmppClient client) throws Exception {
      client.send(submit(2));
      assertEquals(SmppStatus.name(SmppStatus.ESME_RMSGQFUL),
                   SmppStatus.name(assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus()));
   }

   @Test
   void refusalsAfterTheFirstWarnAreCountedWhenTheIntervalIsUpPerBrokerAndTheEndIsLogged() throws Exception {
      StorageOverload.logInterval(Duration.ofSeconds(3));
      try (LogCapture log = LogCapture.start();
           TestBroker a = broker(dirA, "full-a");
           TestBroker b = broker(dirB, "full-b");
           RawSmppClient a1 = bound(a);
           RawSmppClient a2 = bound(a);
           RawSmppClient a3 = bound(a);
           RawSmppClient b1 = bound(b)) {
         monitor(a).setMaxUsage(0.0).tick();
         monitor(b).setMaxUsage(0.0).tick();
         refused(a1);
         refused(a2);
         refused(a3);
         refused(b1);
         assertEquals(2, log.count("WARN", "Storage full"), () -> "one WARN per broker at once: " + log.lines("Storage"));
         assertEquals(1, log.count("WARN", "Storage full", "full-a", "a submit from SMPP 'smppclient1'"),
                      () -> log.lines("Storage").toString());
         assertEquals(1, log.count("WARN", "Storage full", "full-b", "a submit from SMPP 'smppclient1'"),
                      () -> "each broker its own spell: " + log.lines("Storage"));
         Wait.until("the two refusals after broker a's first WARN counted once its interval is up", DEADLINE,
                    () -> log.count("WARN", "Storage full", "full-a", "2 submit(s) answered with a transient refusal") == 1,
                    () -> log.lines("Storage").toString());
         assertEquals(0, log.count("full-b", "submit(s) answered"), "broker b refused nothing after its first line");

         monitor(a).setMaxUsage(1.0).tick();
         Wait.until("broker a says its store takes submits again", DEADLINE,
                    () -> log.count("INFO", "full-a", "takes messages again", "3 submit(s) were answered with a transient refusal") == 1,
                    () -> log.lines("full-a").toString());
         a1.send(submit(3));
         assertEquals(SmppStatus.name(SmppStatus.ESME_ROK), SmppStatus.name(assertInstanceOf(SubmitSmResp.class, a1.read()).commandStatus()),
                      "the acceptor stores again");
         assertEquals(0, log.count("INFO", "full-b", "takes messages again"), "broker b is still full");
      }
   }
}
