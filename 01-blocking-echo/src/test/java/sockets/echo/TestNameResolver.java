package sockets.echo;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.stream.Stream;

/**
 * Makes name resolution in the tests independent of the machine's DNS (JEP 418). Two names are
 * the test's own, under the reserved top-level domains .test and .invalid (RFC 6761); every other
 * name goes to the JDK's built-in resolver.
 * <ul>
 * <li>{@value #TWO_ADDRESSES} resolves to 127.0.0.2 first, then 127.0.0.1, like a name with an
 *     address the server does not listen on listed before one it does.</li>
 * <li>any name ending in {@code .invalid} does not exist.</li>
 * </ul>
 */
public final class TestNameResolver extends InetAddressResolverProvider {

    static final String TWO_ADDRESSES = "two-addresses.test";

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (host.equalsIgnoreCase(TWO_ADDRESSES)) {
                    return Stream.of(
                            InetAddress.getByAddress(host, new byte[] {127, 0, 0, 2}),
                            InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
                }
                if (host.toLowerCase().endsWith(".invalid")) {
                    throw new UnknownHostException(host);
                }
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "lesson-01 test resolver";
    }
}
