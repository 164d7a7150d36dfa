import java.lang.reflect.Field;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts AWS's DynamoDB Local bound to 127.0.0.1 only. DynamoDB Local has no host option and
 * listens on every interface; the hub's local services must stay on loopback. Same arguments as
 * DynamoDBLocal.jar. It exits when its standard input closes, so it never outlives the Node
 * process that started it, even one killed without a chance to clean up.
 */
public final class LoopbackDynamoDBLocal {
    public static void main(String[] args) throws Exception {
        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server jetty = (Server) field.get(proxy);
        for (Connector connector : jetty.getConnectors()) {
            ((ServerConnector) connector).setHost("127.0.0.1");
        }
        proxy.start();
        System.out.println("DynamoDB Local listening on 127.0.0.1");
        while (System.in.read() != -1) {
            // Ignore input; only end-of-stream matters.
        }
        System.exit(0);
    }
}
