package io.smsgw.broker.testing;

import java.lang.reflect.Method;

import org.apache.activemq.artemis.core.paging.impl.PagingManagerImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;

/**
 * Makes a test broker's disk count as full (over max-disk-usage) and free again, without filling a disk or waiting for
 * the broker's disk scan: the flag the broker's file store monitor sets ({@code PagingManagerImpl.setDiskFull}, there
 * for tests). Start the broker with {@code cfg.setMaxDiskUsage(-1)}: with no monitor, nothing resets the flag behind
 * the test's back.
 */
public final class DiskFullSwitch {

   private DiskFullSwitch() {
   }

   public static void set(ActiveMQServer server, boolean full) throws Exception {
      Method setter = PagingManagerImpl.class.getDeclaredMethod("setDiskFull", boolean.class);
      setter.setAccessible(true);
      setter.invoke(server.getPagingManager(), full);
      if (server.getPagingManager().isDiskFull() != full) {
         throw new IllegalStateException("the broker's disk-full flag did not change");
      }
   }
}
