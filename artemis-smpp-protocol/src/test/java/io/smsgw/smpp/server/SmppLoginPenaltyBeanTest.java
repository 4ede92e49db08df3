package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.SmppSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.type.SmppBindException;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator sees an ESME's failed-login penalty on the acceptor's management bean and lifts it (decision 99 and the
 * bean's decision): cloudhopper-smpp binds with an old password until the address is penalized for a minute, the bean
 * (looked up on the platform MBeanServer, as JMX, Jolokia and the console see it) lists the address and the account,
 * and once the operator clears them the ESME binds with its new password at once.
 */
class SmppLoginPenaltyBeanTest {

   private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

   @TempDir
   Path dir;

   private final DefaultSmppClient client = new DefaultSmppClient();

   @AfterEach
   void destroyClient() {
      client.destroy();
   }

   private static ObjectName bean(String acceptor) throws Exception {
      return new ObjectName("org.apache.activemq.artemis:broker=\"test-broker\",component=sms-login-penalties,name=\"" + acceptor + "\",protocol=\"SMPP\"");
   }

   private static String[] list(String acceptor) throws Exception {
      return (String[]) JMX.invoke(bean(acceptor), "listFailedLogins", new Object[0], new String[0]);
   }

   private static Object invoke(String operation, String argument) throws Exception {
      return JMX.invoke(bean("smpp"), operation, new Object[] {argument}, new String[] {String.class.getName()});
   }

   private SmppSession bind(int port, String password, long bindTimeoutMillis) throws Exception {
      SmppSessionConfiguration cfg = new SmppSessionConfiguration(SmppBindType.TRANSMITTER, "smppclient1", password);
      cfg.setHost("127.0.0.1");
      cfg.setPort(port);
      cfg.setInterfaceVersion(SmppConstants.VERSION_3_4);
      cfg.setBindTimeout(bindTimeoutMillis);
      return client.bind(cfg, new DefaultSmppSessionHandler());
   }

   private static boolean anyStartsWith(String[] lines, String prefix) {
      return Arrays.stream(lines).anyMatch(line -> line.startsWith(prefix));
   }

   @Test
   void anOperatorSeesThePenalizedEsmeOnTheBeanAndClearsItSoItsNewPasswordBindsAtOnce() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, ";smppAuthFailureLimit=2;smppAuthFailureWindow=60s;smppAuthFailureDelay=60s")
         .configure(cfg -> cfg.setJMXManagementEnabled(true)).start()) {
         assertEquals(2, JMX.getAttribute(bean("smpp"), "AuthFailureLimit"));
         assertEquals(60_000L, JMX.getAttribute(bean("smpp"), "AuthFailureWindow"));
         assertEquals(60_000L, JMX.getAttribute(bean("smpp"), "AuthFailureDelay"));
         assertEquals(60_000L, JMX.getAttribute(bean("smpp"), "MaxPenalty"));
         assertEquals("SMPP", JMX.getAttribute(bean("smpp"), "Protocol"));
         assertArrayEquals(new String[0], list("smpp"), "nothing counted yet");

         for (int i = 0; i < 2; i++) {
            SmppBindException refused = assertThrows(SmppBindException.class, () -> bind(broker.port(), "oldpass", 5_000));
            assertEquals(SmppConstants.STATUS_BINDFAIL, refused.getBindResponse().getCommandStatus());
         }
         // The third failure starts a 60 s penalty: its refusal waits for it, the ESME gives up on the bind.
         assertThrows(Exception.class, () -> bind(broker.port(), "oldpass", 300));
         Wait.until("the address penalized on the bean", Duration.ofSeconds(10),
                    () -> anyStartsWith(uncheckedList(), "address 127.0.0.1: 3 failures, the last at "));
         String[] lines = list("smpp");
         assertEquals(2, lines.length, Arrays.toString(lines));
         assertTrue(lines[0].matches("address 127\\.0\\.0\\.1: 3 failures, the last at \\S+Z; penalized until \\S+Z"), lines[0]);
         assertTrue(lines[1].matches("account smppclient1: 3 failures, the last at \\S+Z; penalized until \\S+Z"), lines[1]);
         assertEquals(2, JMX.getAttribute(bean("smpp"), "PenalizedCount"));

         assertEquals(true, invoke("clearAddress", "127.0.0.1"));
         assertEquals(false, invoke("clearAddress", "127.0.0.1"), "already cleared");
         lines = list("smpp");
         assertEquals(1, lines.length, Arrays.toString(lines));
         assertTrue(lines[0].startsWith("account smppclient1: 3 failures"), lines[0]);

         // The password was changed on the ESME: with the address cleared it binds at once, not after the minute.
         SmppSession session = bind(broker.port(), "password", 5_000);
         assertTrue(session.isBound());
         session.unbind(5_000);
         session.destroy();

         assertEquals(true, invoke("clearAccount", "smppclient1"));
         assertArrayEquals(new String[0], list("smpp"));
         assertEquals(0, JMX.invoke(bean("smpp"), "clearAll", new Object[0], new String[0]));
      }
      assertFalse(JMX.isRegistered(bean("smpp")), "removed when the broker stops");
   }

   @Test
   void clearAllLiftsEveryPenaltyAndTheBeansFollowTheAcceptorsAReloadAddsChangesAndRemoves() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, ";smppAuthFailureLimit=1;smppAuthFailureWindow=60s;smppAuthFailureDelay=60s")
         .configure(cfg -> cfg.setJMXManagementEnabled(true)).start()) {
         assertThrows(SmppBindException.class, () -> bind(broker.port(), "oldpass", 5_000));
         assertThrows(Exception.class, () -> bind(broker.port(), "oldpass", 300));
         Wait.until("penalized", Duration.ofSeconds(10), () -> anyStartsWith(uncheckedList(), "address 127.0.0.1: 2 failures"));
         assertEquals(2, JMX.invoke(bean("smpp"), "clearAll", new Object[0], new String[0]), "the address and the account");
         assertArrayEquals(new String[0], list("smpp"));
         SmppSession session = bind(broker.port(), "password", 5_000);
         assertTrue(session.isBound());
         session.unbind(5_000);
         session.destroy();

         // What a reload of broker.xml does to the acceptors: "smpp" changed, "smpp-second" added, then removed again.
         var cfg = broker.server().getConfiguration();
         cfg.clearAcceptorConfigurations()
            .addAcceptorConfiguration("core", "tcp://127.0.0.1:0?protocols=CORE")
            .addAcceptorConfiguration("smpp", "tcp://127.0.0.1:0?protocols=SMPP;smppAuthFailureLimit=7")
            .addAcceptorConfiguration("smpp-second", "tcp://127.0.0.1:0?protocols=SMPP;smppAuthFailureLimit=4");
         broker.server().getRemotingService().updateProtocolServices(new ArrayList<>());
         assertEquals(7, JMX.getAttribute(bean("smpp"), "AuthFailureLimit"), "the changed acceptor's bean");
         assertEquals(4, JMX.getAttribute(bean("smpp-second"), "AuthFailureLimit"), "the added acceptor's own bean");

         assertThrows(SmppBindException.class, () -> bind(broker.port(), "oldpass", 5_000));
         assertEquals(2, list("smpp").length, "the address and the account, on the acceptor the bind came to");
         assertArrayEquals(new String[0], list("smpp-second"), "the other acceptor counted nothing");

         cfg.clearAcceptorConfigurations()
            .addAcceptorConfiguration("core", "tcp://127.0.0.1:0?protocols=CORE")
            .addAcceptorConfiguration("smpp", "tcp://127.0.0.1:0?protocols=SMPP;smppAuthFailureLimit=7");
         broker.server().getRemotingService().updateProtocolServices(new ArrayList<>());
         assertFalse(JMX.isRegistered(bean("smpp-second")), "removed with its acceptor");
         assertTrue(JMX.isRegistered(bean("smpp")));
      }
      assertFalse(JMX.isRegistered(bean("smpp")));
   }

   private static String[] uncheckedList() {
      try {
         return list("smpp");
      } catch (Exception e) {
         throw new IllegalStateException(e);
      }
   }
}
