package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import io.smsgw.broker.testing.TestBroker;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routing bean answers management messages (a request to the broker's management address, as CORE and AMQP
 * clients without JMX send them), not only JMX and Jolokia. Artemis calls the bean's methods by reflection on its
 * class, which must therefore be public; a package-private class answered every request with "cannot access a member".
 */
class ManagementMessagesTest {

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   @Test
   void theRoutingBeanAnswersAttributesAndOperationsSentAsManagementMessages() throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { app1 { password = "unused", protocols = [SMPP] } }
         links { sim { host = "127.0.0.1", port = 1, system-id = "gw", password = "pw" } }
         routes { mt = [ { prefix = "86138", links = [ sim ] } ] }
         """);
      System.setProperty("smsgw.config", file.toString());
      try (TestBroker broker = TestBroker.smpp(dir.resolve("broker"), "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           ServerLocator locator = ActiveMQClient.createServerLocator(broker.coreUrl());
           ClientSessionFactory factory = locator.createSessionFactory();
           ClientSession session = factory.createSession()) {
         session.start();
         try (ClientRequestor requestor = new ClientRequestor(session, "activemq.management")) {
            ClientMessage attribute = session.createMessage(false);
            ManagementHelper.putAttribute(attribute, "sms-routing", "accounts");
            ClientMessage accounts = requestor.request(attribute, 10_000);
            assertTrue(ManagementHelper.hasOperationSucceeded(accounts), String.valueOf(ManagementHelper.getResult(accounts)));
            assertArrayEquals(new Object[] {"app1"}, (Object[]) ManagementHelper.getResult(accounts));

            ClientMessage operation = session.createMessage(false);
            ManagementHelper.putOperationInvocation(operation, "sms-routing", "locate", "00000000000000ab");
            ClientMessage located = requestor.request(operation, 10_000);
            assertTrue(ManagementHelper.hasOperationSucceeded(located), String.valueOf(ManagementHelper.getResult(located)));
            assertTrue(String.valueOf(ManagementHelper.getResult(located)).contains("\"found\":[]"), String.valueOf(ManagementHelper.getResult(located)));
         }
      }
   }
}
