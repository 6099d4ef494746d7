// The demo shop's behaviour, shared by its pages: a catalogue, a cart kept in localStorage,
// and the tracker calls a real shop makes (page views are automatic: tracker.js records them).
// Every button produces one of the contract's event types.

const PRODUCTS = [
    { id: 1, name: 'Espresso cup', price: 9.5, colour: '#b5651d' },
    { id: 2, name: 'Pour-over kettle', price: 42, colour: '#4a6fa5' },
    { id: 3, name: 'Hand grinder', price: 65, colour: '#6b8e23' },
    { id: 4, name: 'Coffee beans, 1 kg', price: 24.9, colour: '#7b3f00' },
    { id: 5, name: 'Milk jug', price: 14, colour: '#a0a0a0' },
    { id: 6, name: 'Paper filters', price: 4.5, colour: '#d2b48c' },
];

const product = (id) => PRODUCTS.find((p) => p.id === Number(id));
const cart = () => JSON.parse(localStorage.getItem('shop_cart') || '[]');
const saveCart = (items) => localStorage.setItem('shop_cart', JSON.stringify(items));
const money = (n) => '€' + n.toFixed(2);
const $ = (selector) => document.querySelector(selector);
const total = (items) => items.reduce((sum, id) => sum + product(id).price, 0);

function card(p) {
    return `<a class="card" href="product.html?id=${p.id}" data-item="${p.id}">
        <div class="swatch" style="background:${p.colour}"></div>
        <h3>${p.name}</h3><p>${money(p.price)}</p></a>`;
}

function showCatalogue(items) {
    $('#products').innerHTML = items.map(card).join('') || '<p>Nothing found.</p>';
}

const pages = {
    catalogue() {
        showCatalogue(PRODUCTS);
        $('#products').addEventListener('click', (e) => {
            const link = e.target.closest('a.card');
            if (link) analytics.track('click', { item: Number(link.dataset.item) });
        });
        $('#search').addEventListener('submit', (e) => {
            e.preventDefault();
            const query = $('#query').value.trim();
            analytics.track('search', { query });
            showCatalogue(PRODUCTS.filter((p) => p.name.toLowerCase().includes(query.toLowerCase())));
        });
    },
    product() {
        const p = product(new URLSearchParams(location.search).get('id')) || PRODUCTS[0];
        document.title = p.name + ' · Demo shop';
        $('#product').innerHTML = `<div class="swatch big" style="background:${p.colour}"></div>
            <h2>${p.name}</h2><p class="price">${money(p.price)}</p>`;
        $('#add').addEventListener('click', () => {
            saveCart([...cart(), p.id]);
            $('#cart-count').textContent = cart().length;
            analytics.track('add_to_cart', { item: p.id, price: p.price });
            $('#status').textContent = 'Added to your cart.';
        });
        $('#favorite').addEventListener('click', () => {
            analytics.track('favorite', { item: p.id });
            $('#status').textContent = 'Saved to your favourites.';
        });
    },
    cart() {
        const render = () => {
            const items = cart();
            $('#items').innerHTML = items.map((id, i) => `<li>${product(id).name} · ${money(product(id).price)}
                <button class="remove" data-index="${i}">Remove</button></li>`).join('') || '<li>Your cart is empty.</li>';
            $('#total').textContent = money(total(items));
            $('#checkout').disabled = items.length === 0;
        };
        $('#items').addEventListener('click', (e) => {
            if (!e.target.matches('button.remove')) return;
            const items = cart();
            const [id] = items.splice(Number(e.target.dataset.index), 1);
            saveCart(items);
            analytics.track('remove_from_cart', { item: id });
            render();
        });
        $('#checkout').addEventListener('click', () => {
            const items = cart();
            analytics.track('checkout', { items: items.length, total: total(items) });
            location.href = 'checkout.html';
        });
        render();
    },
    checkout() {
        const items = cart();
        $('#summary').textContent = `${items.length} item(s), ${money(total(items))}`;
        $('#order').addEventListener('submit', (e) => {
            e.preventDefault();
            const order = 'o-' + Date.now().toString(36);
            analytics.track('purchase', { order, items: items.length, total: total(items) });
            saveCart([]);
            // A single-page step: the history API changes the path, the tracker sees a page view.
            history.pushState({}, '', 'thanks.html');
            $('main').innerHTML = `<h2>Thank you!</h2><p>Order ${order} is on its way.</p>
                <p><a href="./">Back to the shop</a></p>`;
        });
    },
    thanks() {},
};

// The navigation every page shares.
const HEADER = `<a class="brand" href="./">Demo coffee shop</a>
    <a href="./">Catalogue</a>
    <a href="cart.html" id="cart-link">Cart (<span id="cart-count">0</span>)</a>
    <form id="login"><input id="user" placeholder="user id" size="10" required>
    <button>Sign in</button> <span id="who"></span></form>`;

document.addEventListener('DOMContentLoaded', () => {
    $('header').innerHTML = HEADER;
    $('#cart-count').textContent = cart().length;
    $('#login').addEventListener('submit', (e) => {
        e.preventDefault();
        analytics.identify($('#user').value.trim());
        $('#who').textContent = 'Signed in as ' + $('#user').value.trim();
    });
    pages[document.body.dataset.page]();
});
