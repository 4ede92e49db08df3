package io.smsgw.examples.multigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import io.smsgw.broker.testing.Wait;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The link cutter relays bytes both ways, drops its connections when cut, refuses new ones until restored. */
class LinkCutterTest {

   private static final Duration TIMEOUT = Duration.ofSeconds(10);

   private ServerSocket echoServer;
   private LinkCutter cutter;

   @BeforeEach
   void startEchoServerAndCutter() throws IOException {
      echoServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread echo = new Thread(() -> {
         while (!echoServer.isClosed()) {
            try {
               Socket socket = echoServer.accept();
               Thread pump = new Thread(() -> {
                  try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                     in.transferTo(out);
                  } catch (IOException ignored) {
                     // the cutter closed it
                  }
               });
               pump.setDaemon(true);
               pump.start();
            } catch (IOException e) {
               return;
            }
         }
      });
      echo.setDaemon(true);
      echo.start();
      cutter = LinkCutter.start("test", 0, echoServer.getLocalPort());
   }

   @AfterEach
   void stop() throws IOException {
      cutter.close();
      echoServer.close();
   }

   private Socket connect() throws IOException {
      Socket socket = new Socket(InetAddress.getLoopbackAddress(), cutter.port());
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      return socket;
   }

   private static byte[] roundTrip(Socket socket, byte[] bytes) throws IOException {
      socket.getOutputStream().write(bytes);
      byte[] back = new byte[bytes.length];
      new DataInputStream(socket.getInputStream()).readFully(back);
      return back;
   }

   @Test
   void relaysUntilCutThenRefusesUntilRestored() throws Exception {
      try (Socket first = connect()) {
         assertEquals("ping", new String(roundTrip(first, "ping".getBytes())));
         assertEquals(1, cutter.connectionsRelayed());
         cutter.cut();
         assertTrue(cutter.isCut());
         assertEquals(-1, first.getInputStream().read(), "the relayed connection was dropped");
      }
      Wait.until("no relayed connection left", TIMEOUT, () -> cutter.openConnections() == 0);
      try (Socket refused = connect()) {
         assertThrows(IOException.class, () -> roundTrip(refused, "lost?".getBytes()), "closed on arrival");
      }
      Wait.until("the refusal counted", TIMEOUT, () -> cutter.connectionsRefused() == 1);
      cutter.restore();
      try (Socket again = connect()) {
         assertEquals("back", new String(roundTrip(again, "back".getBytes())));
      }
      assertEquals(2, cutter.connectionsRelayed());
   }

   @Test
   void swallowedAnswersNeverReachTheDiallerWhileRequestsStillPass() throws Exception {
      try (Socket socket = connect()) {
         cutter.swallowAnswers(true);
         socket.setSoTimeout(300);
         socket.getOutputStream().write("lost".getBytes());
         assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read(), "the echo was swallowed");
         cutter.swallowAnswers(false);
         socket.setSoTimeout((int) TIMEOUT.toMillis());
         assertEquals("next", new String(roundTrip(socket, "next".getBytes())), "answers flow again, on the same connection");
      }
   }
}
