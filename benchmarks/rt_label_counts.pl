#!/usr/bin/perl
# RT's own work for one label search, by shape, in RT's own process (run by
# benchmarks/rt_label_counts.py, which sets RT_SITE_CONFIG and starts no server of its own).
#
#   perl rt_label_counts.pl count TOKEN LABEL_FORMAT PARTS_FORMAT
#       SQL queries and rights checks per request, per shape
#   valgrind --tool=callgrind --dump-before=Perl_pp_getppid \
#       perl rt_label_counts.pl instructions TOKEN LABEL_FORMAT PARTS_FORMAT
#       one callgrind dump per shape (the first: start-up and warm-up)
#
# A "session" request is answered for root without a token: the cookie check is replaced by
# a user loaded once, as a session holds it. Formats are sprintf patterns of the Names,
# numbered 9001..9100 (LD-%04d).
use strict;
use warnings;
use lib '/usr/share/request-tracker5/lib';
use RT;
RT::LoadConfig();
RT::Init();
use RT::REST2;
require RT::REST2::Middleware::Auth;
use Plack::Test;
use HTTP::Request::Common;
use URI;

my ($mode, $token, $labels, $parts) = @ARGV;
die "usage: $0 count|instructions TOKEN LABEL_FORMAT PARTS_FORMAT\n" unless $parts;
my $root = RT::CurrentUser->new( RT->SystemUser );
$root->Load('root');
{
    no warnings 'redefine';
    *RT::REST2::Middleware::Auth::login_from_cookie = sub {
        my ( $self, $env ) = @_;
        return $env->{HTTP_X_TEST_SESSION} ? $root : undef;
    };
}
my %count;
if ( $mode eq 'count' ) {
    no strict 'refs';
    no warnings 'redefine';
    for my $sub (qw(DBIx::SearchBuilder::Handle::SimpleQuery RT::Principal::HasRight)) {
        my $original = \&{$sub};
        *{$sub} = sub { $count{$sub}++; goto &$original };
    }
}
my $all = 'Name,Status,Owner,HeldBy,Contact,Description,Catalog,CustomFields';
my $labelled = 'Name,Status,Description,Catalog,CustomFields';
# name, Names format, fields, fields[Catalog]=Name, session
my @shapes = (
    [ 'previous label search, session',           $labels, $all,                1, 1 ],
    [ "label batch's search, session",            $labels, $labelled,           1, 1 ],
    [ 'Names and custom fields, session',         $labels, 'Name,CustomFields', 0, 1 ],
    [ 'Names only, session',                      $labels, 'Name',              0, 1 ],
    [ 'Names only, token',                        $labels, 'Name',              0, 0 ],
    [ 'spare parts: Names and custom fields, session', $parts, 'Name,CustomFields', 0, 1 ],
);
my $test = Plack::Test->create( RT::REST2->PSGIWrap( sub { [ 404, [], [] ] } ) );

sub send_search {
    my ( $name, $format, $fields, $catalog, $session ) = @{ $_[0] };
    my $sql = join ' OR ', map { sprintf "Name = '$format'", $_ } 9001 .. 9100;
    my $uri = URI->new('http://localhost/REST/2.0/assets');
    $uri->query_form(
        query    => "($sql)", per_page => 100, orderby => 'id', fields => $fields,
        ( $catalog ? ( 'fields[Catalog]' => 'Name' ) : () ),
    );
    my @auth = $session ? ( 'X-Test-Session' => 1 ) : ( Authorization => "token $token" );
    my $answer = $test->request( GET $uri, @auth );
    die "$name: $answer->{_rc}\n" unless $answer->code == 200;
    die "$name: not 100 assets\n" unless $answer->content =~ /"count"\s*:\s*100\b/;
}

send_search($_) for @shapes;    # warm-up: modules, caches
for my $shape (@shapes) {
    my $marker = getppid();     # callgrind dumps here: what came before
    %count = ();
    send_search($shape);
    printf "%s\t%d\t%d\n", $shape->[0],
        $count{'DBIx::SearchBuilder::Handle::SimpleQuery'} // 0,
        $count{'RT::Principal::HasRight'} // 0
        if $mode eq 'count';
}
my $marker = getppid();
