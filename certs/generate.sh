#!/usr/bin/env bash
# Writes a complete set of TLS test material into the directory given (default: ./target/certs).
# Nothing here is secret or long-lived: tests run this afresh into target/ on every run.
# See certs/README.md for what each file is for.
set -euo pipefail

out=${1:-target/certs}
mkdir -p "$out"
cd "$out"
PASS=${LOOMWIRE_CERT_PASSWORD:-loomwire-secret}   # password of encrypted keys and keystores
DAYS=30

command -v openssl >/dev/null || { echo "generate.sh: openssl is not installed (apt-get install -y openssl)" >&2; exit 1; }

rm -f ./*.crt ./*.key ./*.der ./*.p12 ./*.jks ./*.crl ./*.csr ./*.srl ./*.ext ./*.cnf ./*.pem
rm -rf ca-db crls

ext() { # ext NAME CONTENT: writes an extensions file
  printf '%s\n' "$2" > "$1.ext"
}

ca_ext='basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always'
ext ca "$ca_ext"
ext intermediate "basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always"

server_ext() { # server_ext NAME SAN
  ext "$1" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
subjectAltName=$2"
}
client_ext='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid'

rsa_key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }
ec_key()  { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

self_signed_ca() { # NAME CN
  rsa_key "$1.key"
  openssl req -new -key "$1.key" -subj "/O=loomwire tests/CN=$2" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -signkey "$1.key" -days $DAYS -sha256 -extfile ca.ext -out "$1.crt" 2>/dev/null
}
sign() { # sign NAME CN ISSUER [EXTNAME]
  openssl req -new -key "$1.key" -subj "/O=loomwire tests/CN=$2" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -days $DAYS -sha256 \
    -extfile "${4:-$1}.ext" -out "$1.crt" 2>/dev/null
}

# --- certificate authorities
self_signed_ca ca "loomwire Test Root CA"
self_signed_ca other-ca "loomwire Unrelated CA"
rsa_key intermediate.key
sign intermediate "loomwire Test Intermediate CA" ca

# --- server certificates
LOCAL_SAN="DNS:localhost,IP:127.0.0.1,IP:0:0:0:0:0:0:0:1"
rsa_key server.key;            server_ext server "$LOCAL_SAN";                 sign server localhost ca
ec_key server-ec.key;          server_ext server-ec "$LOCAL_SAN";              sign server-ec localhost ca
rsa_key server-wronghost.key;  server_ext server-wronghost "DNS:db.example.invalid"; sign server-wronghost db.example.invalid ca
rsa_key server-iponly.key;     server_ext server-iponly "IP:127.0.0.1,IP:0:0:0:0:0:0:0:1"; sign server-iponly 127.0.0.1 ca
rsa_key server-dnsonly.key;    server_ext server-dnsonly "DNS:localhost";      sign server-dnsonly localhost ca
rsa_key server-other-ca.key;   server_ext server-other-ca "$LOCAL_SAN";        sign server-other-ca localhost other-ca
rsa_key server-intermediate.key; server_ext server-intermediate "$LOCAL_SAN";  sign server-intermediate localhost intermediate
cat server-intermediate.crt intermediate.crt > server-chain.crt

# Redis Cluster nodes announcing host names nodeN.cluster.test (tests resolve them through a hosts file)
for n in 1 2 3 4 5 6; do
  ec_key cluster-node$n.key; server_ext cluster-node$n "DNS:node$n.cluster.test"; sign cluster-node$n node$n.cluster.test ca
done
ec_key cluster-wildcard.key;   server_ext cluster-wildcard "DNS:*.cluster.test"; sign cluster-wildcard "*.cluster.test" ca
# host-name rule cases (libpq vs JDK): CN-only, CN that spells an IP, a dNSName that spells an IP, wildcards
nosan_ext() { # nosan_ext NAME: a server certificate without subjectAltName
  ext "$1" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid"
}
ec_key server-cn-only.key;     nosan_ext server-cn-only;                         sign server-cn-only localhost ca
ec_key server-cn-ip.key;       nosan_ext server-cn-ip;                           sign server-cn-ip 127.0.0.1 ca
ec_key server-dns-cn-ip.key;  server_ext server-dns-cn-ip "DNS:localhost";      sign server-dns-cn-ip 127.0.0.1 ca
ec_key server-dns-ip.key;     server_ext server-dns-ip "DNS:127.0.0.1";         sign server-dns-ip "ip spelled as dNSName" ca
ec_key server-wildcard.key;   server_ext server-wildcard "DNS:*.loomwire.test,DNS:db*.partial.test"; sign server-wildcard "wildcard" ca

# expired: issued and expired in the past, signed by the root CA (needs 'openssl ca' for dates)
rsa_key server-expired.key
server_ext server-expired "$LOCAL_SAN"
mkdir -p ca-db && : > ca-db/index.txt && echo "unique_subject = no" > ca-db/index.txt.attr && echo 1000 > ca-db/serial
cat > ca.cnf <<CNF
[ ca ]
default_ca = root
[ root ]
dir = ca-db
database = ca-db/index.txt
serial = ca-db/serial
new_certs_dir = ca-db
certificate = ca.crt
private_key = ca.key
default_md = sha256
policy = anything
copy_extensions = none
unique_subject = no
crlnumber = ca-db/crlnumber
default_crl_days = $DAYS
[ anything ]
organizationName = optional
commonName = supplied
CNF
echo 01 > ca-db/crlnumber
openssl req -new -key server-expired.key -subj "/O=loomwire tests/CN=localhost" -out server-expired.csr
openssl ca -batch -config ca.cnf -notext -startdate 20200101000000Z -enddate 20200201000000Z \
  -extfile server-expired.ext -in server-expired.csr -out server-expired.crt 2>/dev/null

# revoked server certificate + the root CA's CRL that lists it
rsa_key server-revoked.key
server_ext server-revoked "$LOCAL_SAN"
openssl req -new -key server-revoked.key -subj "/O=loomwire tests/CN=localhost" -out server-revoked.csr
openssl ca -batch -config ca.cnf -notext -days $DAYS -extfile server-revoked.ext \
  -in server-revoked.csr -out server-revoked.crt 2>/dev/null
openssl ca -config ca.cnf -revoke server-revoked.crt 2>/dev/null

# client certificates signed through the CA database: revoked, expired, not yet valid
ext client "$client_ext"
for c in client-revoked client-expired client-future; do
  ec_key "$c.key"
  openssl req -new -key "$c.key" -subj "/O=loomwire tests/CN=loomwire" -out "$c.csr"
done
openssl ca -batch -config ca.cnf -notext -days $DAYS -extfile client.ext -in client-revoked.csr -out client-revoked.crt 2>/dev/null
openssl ca -batch -config ca.cnf -notext -startdate 20200101000000Z -enddate 20200201000000Z -extfile client.ext \
  -in client-expired.csr -out client-expired.crt 2>/dev/null
openssl ca -batch -config ca.cnf -notext -startdate 20900101000000Z -enddate 20900201000000Z -extfile client.ext \
  -in client-future.csr -out client-future.crt 2>/dev/null
openssl ca -config ca.cnf -revoke client-revoked.crt 2>/dev/null
openssl ca -config ca.cnf -gencrl -out ca.crl 2>/dev/null

# the intermediate CA's (empty) CRL: a chain through the intermediate needs it besides ca.crl
mkdir -p int-db && : > int-db/index.txt && echo 01 > int-db/crlnumber
cat > int.cnf <<CNF
[ ca ]
default_ca = int
[ int ]
database = int-db/index.txt
crlnumber = int-db/crlnumber
certificate = intermediate.crt
private_key = intermediate.key
default_md = sha256
default_crl_days = $DAYS
CNF
openssl ca -config int.cnf -gencrl -out intermediate.crl 2>/dev/null
cat ca.crl intermediate.crl > crl-chain.crl
mkdir -p crls && cp ca.crl intermediate.crl crls/

# --- client certificates (CN = the database / ACL user name "loomwire")
rsa_key client.key                                   # PKCS#8 PEM (BEGIN PRIVATE KEY)
sign client loomwire ca
openssl pkey -in client.key -traditional -out client-pkcs1.key 2>/dev/null || \
  openssl rsa -in client.key -traditional -out client-pkcs1.key 2>/dev/null   # PKCS#1 (BEGIN RSA PRIVATE KEY)
openssl pkcs8 -topk8 -in client.key -v2 aes-256-cbc -v2prf hmacWithSHA256 -passout "pass:$PASS" \
  -out client-encrypted.key                          # encrypted PKCS#8 (BEGIN ENCRYPTED PRIVATE KEY)
openssl pkcs8 -topk8 -nocrypt -in client.key -outform DER -out client-key.der   # PKCS#8 DER
openssl x509 -in client.crt -outform DER -out client.der                       # certificate, DER
ec_key client-ec.pk8
openssl ec -in client-ec.pk8 -out client-ec.key 2>/dev/null                   # SEC1 (BEGIN EC PRIVATE KEY)
rm -f client-ec.pk8
ext client-ec "$client_ext"; sign client-ec loomwire ca
ext client-other-ca "$client_ext"; rsa_key client-other-ca.key; sign client-other-ca loomwire other-ca

# --- key and trust stores
openssl pkcs12 -export -in client.crt -inkey client.key -certfile ca.crt -name client \
  -passout "pass:$PASS" -out client.p12
openssl pkcs12 -export -nokeys -in ca.crt -caname ca -passout "pass:$PASS" -out truststore.p12 2>/dev/null \
  || openssl pkcs12 -export -nokeys -in ca.crt -passout "pass:$PASS" -out truststore.p12
if command -v keytool >/dev/null || [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/keytool" ]]; then
  kt=$(command -v keytool || echo "$JAVA_HOME/bin/keytool")
  "$kt" -importcert -noprompt -alias ca -file ca.crt -keystore truststore.jks -storetype JKS \
    -storepass "$PASS" >/dev/null 2>&1 || true
fi

# --- combined bundle and the permissions servers insist on
cat ca.crt other-ca.crt > ca-bundle.crt
rm -f ./*.csr ./*.ext ./*.srl ca.cnf int.cnf
rm -rf ca-db int-db
chmod 600 ./*.key
echo "generate.sh: wrote $(ls | wc -l) files to $(pwd)"
