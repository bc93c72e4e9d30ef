// Tests of examples/03_mnist_autoencoder/autoencoder.hpp, the autoencoder lesson's code, on small
// synthetic data: the halves, the errors and the pictures; and the autoencoder on 5,000 real MNIST
// images, where present (test error far below that of predicting the mean image).

#include "helpers.hpp"
#include "examples/synthetic_digits.hpp"
#include "real_mnist.hpp"

#include "03_mnist_autoencoder/autoencoder.hpp"

#include <bachprop/draw/png.hpp>

#include <cmath>

using namespace bachprop;
using Catch::Matchers::Contains;
using test::have_mnist;
using test::mnist;
using test::mnist_folder;
using test::sanitized;
using test::synthetic_digits;

TEST_CASE("the autoencoder's halves compose to the whole network", "[mnist][autoencoder]") {
  mnist_autoencoder::Settings settings;
  settings.inputs = 16;
  settings.hidden = 8;
  settings.latent = 3;
  for (const auto activation : {mnist_autoencoder::Activation::relu,
                                mnist_autoencoder::Activation::sigmoid,
                                mnist_autoencoder::Activation::tanh}) {
    settings.activation = activation;
    mnist_autoencoder::with_autoencoder(settings, 5, [&](auto& network) {
      const Matrix<float> x = synthetic_digits(2, 3).images;
      const Matrix<float> codes = mnist_autoencoder::encode(network, x);
      CHECK(codes.rows() == 3);
      CHECK(codes.cols() == 20);
      const Matrix<float> decoded = mnist_autoencoder::decode(network, codes);
      const Matrix<float> whole = network.forward(x);
      CHECK((decoded - whole).cwiseAbs().maxCoeff() < 1e-6F);
      CHECK(decoded.minCoeff() > 0.0F);  // a sigmoid output
      CHECK(decoded.maxCoeff() < 1.0F);
      return 0;
    });
  }
  CHECK_THROWS_WITH(mnist_autoencoder::activation_from_name("elu"), Contains("got 'elu'"));
}

TEST_CASE("reconstruction errors are the per-pixel means of BCE and squared error",
          "[mnist][autoencoder]") {
  mnist_autoencoder::Settings settings;
  settings.inputs = 16;
  settings.hidden = 6;
  settings.latent = 2;
  auto network = mnist_autoencoder::make_autoencoder<Sigmoid<float>>(settings, 2);
  const Matrix<float> x = synthetic_digits(3, 4).images;
  const auto errors = mnist_autoencoder::reconstruction_errors(network, x);
  const Matrix<float> a = network.forward(x);
  double bce = 0;
  double squared = 0;
  for (Index i = 0; i < x.size(); ++i) {
    const double y = x.data()[i];
    const double p = a.data()[i];
    bce -= y * std::log(p) + (1 - y) * std::log(1 - p);
    squared += (p - y) * (p - y);
  }
  CHECK(errors.bce == Approx(bce / static_cast<double>(x.size())).epsilon(1e-5));
  CHECK(errors.mse == Approx(squared / static_cast<double>(x.size())).epsilon(1e-5));
  // The mean image of a set scores its own per-pixel entropy on that set.
  const Matrix<float> constant = Matrix<float>::Constant(4, 3, 0.25F);
  const auto baseline = mnist_autoencoder::mean_image_errors(constant, constant);
  CHECK(baseline.bce == Approx(-(0.25 * std::log(0.25) + 0.75 * std::log(0.75))));
  CHECK(baseline.mse == Approx(0.0));
}

TEST_CASE("the pictures have their layout and are deterministic", "[mnist][autoencoder]") {
  mnist_autoencoder::Settings settings;
  settings.inputs = 16;
  settings.hidden = 6;
  settings.latent = 2;
  auto network = mnist_autoencoder::make_autoencoder<Tanh<float>>(settings, 2);
  const auto test = synthetic_digits(5, 6);

  const Image reconstructions = mnist_autoencoder::reconstruction_picture(network, test, 3, 2);
  // 10 pairs of 2·8 + 2 pixels with 9 gaps of 12, margins of 10; 3 rows of 8 + 12.
  CHECK(reconstructions.width() == 20 + 10 * 18 + 9 * 12);
  CHECK(reconstructions.height() == 20 + 3 * 20 - 12);
  // The first original (digit 0 lights pixel 0: ink, so dark) at the top-left corner.
  CHECK(reconstructions.get(10, 10).r == 0);

  const auto pairs = mnist_autoencoder::interpolation_pairs(test.labels, 6, 3);
  REQUIRE(pairs.size() == 6);
  for (const auto& [from, to] : pairs) {
    CHECK(test.labels[static_cast<std::size_t>(from)] != test.labels[static_cast<std::size_t>(to)]);
  }
  CHECK(pairs == mnist_autoencoder::interpolation_pairs(test.labels, 6, 3));
  const Image interpolations =
      mnist_autoencoder::interpolation_picture(network, test, pairs, 10, 2);
  CHECK(interpolations.width() == 20 + 12 * 8 + 9 * 4 + 28);

  const Matrix<float> codes = mnist_autoencoder::encode(network, test.images);
  const auto box = mnist_autoencoder::latent_box(codes);
  // The box holds the central 99% of each coordinate, widened by 5%: all but the extremes.
  Index inside = 0;
  for (Index j = 0; j < codes.cols(); ++j) {
    inside += codes(0, j) >= box.x0 && codes(0, j) <= box.x1 && codes(1, j) >= box.y0 &&
              codes(1, j) <= box.y1;
  }
  CHECK(inside >= codes.cols() - 4);
  CHECK(box.x0 < box.x1);
  CHECK(box.y0 < box.y1);
  const Image scatter = mnist_autoencoder::latent_scatter_picture(codes, test.labels, box, 200);
  CHECK(scatter.channels() == 3);
  // Every class colour appears: each digit's dots and its legend swatch.
  for (std::size_t digit = 0; digit < 10; ++digit) {
    bool found = false;
    for (int y = 0; y < scatter.height() && !found; ++y) {
      for (int x = 0; x < scatter.width() && !found; ++x) {
        found = scatter.get(x, y) == class_colour(digit);
      }
    }
    CHECK(found);
  }
  const Image grid = mnist_autoencoder::latent_grid_picture(network, box, codes, 6, 4, 4, 2);
  CHECK(grid.width() == 16 + 6 * 8);
  CHECK(encode_png(grid) == encode_png(
                                mnist_autoencoder::latent_grid_picture(network, box, codes, 6, 4,
                                                                       4, 2)));
}

TEST_CASE("the autoencoder on 5,000 images cuts the test error far below the mean image's",
          "[mnist][real]") {
  if (!have_mnist()) {
    WARN("no MNIST data in " << mnist_folder().string() << ": skipped");
    return;
  }
  const Index test_count = sanitized ? 1000 : 10000;
  const Matrix<float> subset = mnist().train.images.leftCols(5000);
  const Matrix<float> test_images = mnist().test.images.leftCols(test_count);
  mnist_autoencoder::Settings settings;
  auto network = mnist_autoencoder::make_autoencoder<ReLU<float>>(settings, 1);
  Adam<float> adam(settings.learning_rate);
  // Measured on 1,000 test images: BCE 0.141 after 3 epochs, 0.122 after 5; the mean image
  // scores 0.256 there.
  train(network, BinaryCrossEntropy<float>(), adam, subset, subset,
        {.epochs = sanitized ? 3 : 5, .batch_size = settings.batch_size, .seed = 1});
  const auto errors = mnist_autoencoder::reconstruction_errors(network, test_images);
  const auto baseline = mnist_autoencoder::mean_image_errors(subset, test_images);
  INFO("test BCE " << errors.bce << " (mean image " << baseline.bce << "), MSE " << errors.mse
                   << " (mean image " << baseline.mse << ")");
  CHECK(baseline.bce == Approx(0.26).margin(0.015));
  CHECK(errors.bce < 0.6 * baseline.bce);
  CHECK(errors.mse < 0.5 * baseline.mse);
}
