// Command kube-testenv runs a real Kubernetes API server for the integration suite: embedded
// etcd and the kube-apiserver of k8s.io/kubernetes, in one process, on loopback HTTPS, with RBAC
// and ServiceAccount tokens (TokenRequest) on.
//
// Usage:
//
//	kube-testenv [--port N] [--etcd-port N] DIR [kube-apiserver flags...]
//
// It makes DIR/pki (a CA, the serving certificate, an admin client certificate in
// system:masters, the ServiceAccount signing key), DIR/admin.kubeconfig and DIR/etcd, starts
// etcd and the API server, and once /readyz answers 200 it writes DIR/ready (the server URL,
// written atomically). Ports default to free ones chosen at start, so several instances can run
// side by side. It exits when its parent process exits (it is never left behind by a killed test
// run), on SIGTERM/SIGINT, or when etcd fails.
package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"flag"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	port := flag.Int("port", 0, "API server HTTPS port on 127.0.0.1 (0: a free one)")
	etcdPort := flag.Int("etcd-port", 0, "etcd client port on 127.0.0.1 (0: a free one)")
	verbosity := flag.Int("v", 0, "API server log verbosity")
	flag.Parse()
	if flag.NArg() < 1 {
		fmt.Fprintln(os.Stderr, "usage: kube-testenv [--port N] [--etcd-port N] DIR [kube-apiserver flags...]")
		os.Exit(2)
	}
	dir, err := filepath.Abs(flag.Arg(0))
	must(err)
	pki := filepath.Join(dir, "pki")
	must(os.MkdirAll(pki, 0o700))
	_ = os.Remove(filepath.Join(dir, "ready"))

	exitWithParent()

	if *port == 0 {
		*port = freePort()
	}
	if *etcdPort == 0 {
		*etcdPort = freePort()
	}
	peerPort := freePort()

	// 1. Embedded etcd, loopback only, throwaway data.
	ec := embed.NewConfig()
	ec.Dir = filepath.Join(dir, "etcd")
	ec.LogLevel = "error"
	ec.LogOutputs = []string{filepath.Join(dir, "etcd.log")}
	client := url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(*etcdPort)}
	peer := url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(peerPort)}
	ec.ListenClientUrls, ec.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	ec.ListenPeerUrls, ec.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	ec.InitialCluster = ec.InitialClusterFromName(ec.Name)
	ec.UnsafeNoFsync = true
	// The Argo full CRDs are over 1 MiB as JSON; the 1 MiB ConfigMap limit is the API server's
	// own validation and is not affected by this.
	ec.MaxRequestBytes = 8 << 20
	etcd, err := embed.StartEtcd(ec)
	must(err)
	select {
	case <-etcd.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		fail("etcd was not ready within 60 s")
	}
	go func() {
		if err := <-etcd.Err(); err != nil {
			fail("etcd: " + err.Error())
		}
	}()

	compactOnRequest(etcd, dir)

	// 2. PKI and the admin kubeconfig.
	caKey, caCert := newCert(nil, nil, &x509.Certificate{
		Subject: pkix.Name{CommonName: "kube-testenv-ca"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	})
	writePair(pki, "ca", caKey, caCert)
	key, cert := newCert(caKey, caCert, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "kube-apiserver"},
		DNSNames:    []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.96.0.1")},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	writePair(pki, "apiserver", key, cert)
	key, cert = newCert(caKey, caCert, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "kube-testenv-admin", Organization: []string{"system:masters"}},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	writePair(pki, "admin", key, cert)
	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	writePair(pki, "sa", saKey, nil)
	server := "https://127.0.0.1:" + strconv.Itoa(*port)
	writeKubeconfig(filepath.Join(dir, "admin.kubeconfig"), server, pki)

	// 3. Readiness marker, once the API server answers /readyz with 200.
	go awaitReady(server, pki, filepath.Join(dir, "ready"))

	// 4. The real kube-apiserver in this process; returns after SIGTERM/SIGINT.
	f := func(n string) string { return filepath.Join(pki, n) }
	os.Args = []string{"kube-apiserver",
		"--etcd-servers=" + client.String(),
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(*port), "--cert-dir=" + pki,
		"--tls-cert-file=" + f("apiserver.crt"), "--tls-private-key-file=" + f("apiserver.key"),
		"--client-ca-file=" + f("ca.crt"),
		"--authorization-mode=Node,RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + f("sa.key"), "--service-account-signing-key-file=" + f("sa.key"),
		"--service-cluster-ip-range=10.96.0.0/16", "--endpoint-reconciler-type=none",
		"--profiling=false", "--v=" + strconv.Itoa(*verbosity),
	}
	os.Args = append(os.Args, flag.Args()[1:]...)
	code := cli.Run(app.NewAPIServerCommand())
	etcd.Close()
	os.Exit(code)
}

// exitWithParent ends this process with SIGTERM (a clean API server shutdown) when the process
// that started it is gone: the test JVM or the shell script, however it ended, kill -9 included.
// Re-parenting shows as a new parent pid. A second watch makes sure the process ends even if the
// clean shutdown hangs.
func exitWithParent() {
	parent := os.Getppid()
	go func() {
		for range time.Tick(250 * time.Millisecond) {
			if os.Getppid() != parent {
				_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
				time.Sleep(10 * time.Second)
				os.Exit(3)
			}
		}
	}()
}

// compactOnRequest compacts etcd at its current revision whenever DIR/compact appears, then
// removes the file: a test's way to expire continue tokens and watch resourceVersions (HTTP 410)
// at an exact point, as a real cluster's periodic compaction does.
func compactOnRequest(e *embed.Etcd, dir string) {
	request := filepath.Join(dir, "compact")
	go func() {
		for range time.Tick(20 * time.Millisecond) {
			if _, err := os.Stat(request); err != nil {
				continue
			}
			rev := e.Server.KV().Rev()
			if _, err := e.Server.Compact(context.Background(), &etcdserverpb.CompactionRequest{Revision: rev, Physical: true}); err != nil {
				fmt.Fprintln(os.Stderr, "kube-testenv: compact:", err)
			}
			_ = os.Remove(request)
		}
	}()
}

func awaitReady(server, pki, marker string) {
	pool := x509.NewCertPool()
	ca, err := os.ReadFile(filepath.Join(pki, "ca.crt"))
	must(err)
	pool.AppendCertsFromPEM(ca)
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	deadline := time.Now().Add(180 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, server+"/readyz", nil)
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				cancel()
				write(marker, []byte(server), 0o644)
				return
			}
		}
		cancel()
		time.Sleep(200 * time.Millisecond)
	}
	fail("the API server was not ready within 180 s")
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// newCert makes an RSA-2048 key and a certificate for it, signed by the parent (self-signed when
// parent is nil). RSA with PKCS#1 keys, because fabric8 reads those without extra providers.
func newCert(parentKey *rsa.PrivateKey, parent *x509.Certificate, tmpl *x509.Certificate) (*rsa.PrivateKey, *x509.Certificate) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	must(err)
	tmpl.SerialNumber = serial
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(365 * 24 * time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	must(err)
	cert, err := x509.ParseCertificate(der)
	must(err)
	return key, cert
}

func writePair(dir, name string, key *rsa.PrivateKey, cert *x509.Certificate) {
	write(filepath.Join(dir, name+".key"), pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600)
	if cert != nil {
		write(filepath.Join(dir, name+".crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o644)
	}
}

func writeKubeconfig(path, server, pki string) {
	b64 := func(name string) string {
		data, err := os.ReadFile(filepath.Join(pki, name))
		must(err)
		return base64.StdEncoding.EncodeToString(data)
	}
	text := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: kube-testenv
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: admin
  user:
    client-certificate-data: %s
    client-key-data: %s
contexts:
- name: kube-testenv
  context:
    cluster: kube-testenv
    user: admin
    namespace: default
current-context: kube-testenv
`, server, b64("ca.crt"), b64("admin.crt"), b64("admin.key"))
	write(path, []byte(text), 0o600)
}

// write replaces path atomically: a reader never sees a half-written file.
func write(path string, data []byte, mode os.FileMode) {
	tmp := path + ".tmp"
	must(os.WriteFile(tmp, data, mode))
	must(os.Rename(tmp, path))
}

func must(err error) {
	if err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "kube-testenv: "+msg)
	os.Exit(1)
}
