from tests.factories import make_defi, make_member


def test_member_sees_directory_and_defi(client, auth):
    member = make_member(display_name="Camille Durand")
    defi = make_defi(title="Open Justice", team=[(member, "eig")])
    auth.login(member)
    directory = client.get("/members/")
    assert directory.status_code == 200
    assert "Camille Durand" in directory.get_data(as_text=True)
    page = client.get(f"/defis/{defi.slug}")
    assert "Open Justice" in page.get_data(as_text=True)
    assert f'href="/members/{member.username}"' in page.get_data(as_text=True)


def test_the_real_defis_are_listed_and_the_public_home_shows_counts(app, client, auth):
    from app.defis.seed import seed_defis

    seed_defis()
    home = client.get("/").get_data(as_text=True)
    assert "131" in home and "Se connecter" in home
    auth.login(make_member())
    listing = client.get("/defis/").get_data(as_text=True)
    assert "131 défis" in listing
    assert (
        client.get("/defis/?year=2019").get_data(as_text=True).count('class="fr-card ')
        == 30
    )
